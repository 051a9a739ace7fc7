import { redact, REDACTION_RULES } from '../../../core/detection/redact';

describe('redact', () => {
  const cases: Array<[string, string, string]> = [
    ['GitHub classic token', 'token ghp_1234567890abcdefghijABCDEFGHIJ123456 used', 'ghp_1234567890'],
    ['GitHub OAuth token', 'gho_1234567890abcdefghijABCDEFGHIJ123456', 'gho_1234'],
    [
      'GitHub fine-grained PAT',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV',
      'github_pat_11',
    ],
    ['bearer', 'Authorization: Bearer abc.def-ghi_jkl~mno+pqr/stu=', 'abc.def'],
    ['bearer lower', 'sending bearer sk9d8f7g6h5j4k3l2 to api', 'sk9d8f7g6h5j4k3l2'],
    ['AWS access key', 'aws_access_key_id AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS secret', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    ['Google key', 'GEMINI key AIzaSyA1234567890abcdefghijklmnopqrstuv', 'AIzaSyA1234567890'],
    ['Slack token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-1234'],
    [
      'JWT',
      'id_token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'eyJhbGci',
    ],
    [
      'private key',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA',
    ],
    [
      'private key one line',
      'key: -----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA',
      'b3BlbnNzaC1rZXktdjEAAAAA',
    ],
    ['URL credentials', 'cloning https://x-access-token:s3cr3tv4lue@github.com/5dlabs/cto.git', 's3cr3tv4lue'],
    ['postgres URL', 'DATABASE_URL=postgres://healer:hunter2@db:5432/healer', 'hunter2'],
    ['password=', 'login user=rex password=hunter2 ok', 'hunter2'],
    ['JSON secret', '{"client_secret": "abc123def456", "name": "x"}', 'abc123def456'],
    ['env token', 'GITHUB_TOKEN=abcdef0123456789 npm publish', 'abcdef0123456789'],
    ['api key', 'api-key: 0123456789abcdef', '0123456789abcdef'],
    ['OpenAI / Anthropic key', 'using sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345', 'abcdefghijklmnop'],
    ['Discord webhook', 'POST https://discord.com/api/webhooks/123456789/AbCdEf-GhIjKl_mNoP', 'AbCdEf-GhIjKl'],
  ];

  it.each(cases)('%s', (_name, input, secret) => {
    const out = redact(input);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED');
  });

  it('keeps harmless text readable', () => {
    const benign = [
      'max_tokens=4096 input_tokens: 1200 token_count=3',
      'connect ECONNREFUSED 127.0.0.1:5432',
      'https://github.com/5dlabs/cto/pull/12',
      'commit 3f2a9c1e8b7d6f5a4c3b2a1908f7e6d5c4b3a291',
      "thread 'main' panicked at src/x.rs:10:5",
    ];
    for (const line of benign) expect(redact(line)).toBe(line);
  });

  it('is idempotent', () => {
    const once = redact('password=hunter2 Bearer abcdefghijkl ghp_1234567890abcdefghijABCDEFGHIJ123456');
    expect(redact(once)).toBe(once);
  });

  it('names its rules', () => {
    expect(REDACTION_RULES).toEqual(
      expect.arrayContaining(['jwt', 'private-key', 'url-credentials', 'github-token', 'bearer', 'key-value']),
    );
  });
});
