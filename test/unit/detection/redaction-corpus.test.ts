// A corpus of planted secrets in the forms agents and tools really log: none may survive redaction,
// and look-alikes that people need to read (hashes, UUIDs, commit shas, counts) must stay as they are.
import { redact } from '../../../core/detection/redact';

// [form, line, the secret that must not survive]
const planted: Array<[string, string, string]> = [
  // CLI flags
  ['--password value', 'psql-wrapper --password Hunter2Secret --host db', 'Hunter2Secret'],
  ['--password=value', 'deploy --password=Hunter2Secret', 'Hunter2Secret'],
  ['--token value', 'gh-release --token abcToken12345 --repo x', 'abcToken12345'],
  ['--api-key value', 'client --api-key k3y-v4lu3-998877', 'k3y-v4lu3-998877'],
  ['--apikey=value', 'client --apikey=zz99887766', 'zz99887766'],
  ['--client-secret quoted', 'oidc --client-secret "two words secret"', 'two words secret'],
  ['--db-pass value', 'migrate --db-pass p4ssw0rd!', 'p4ssw0rd!'],
  ['--private-key value', 'sign --private-key 0xdeadbeefcafe1234', '0xdeadbeefcafe1234'],
  ['mysql -pPASS', 'mysql -u root -pHunter2Mysql healer', 'Hunter2Mysql'],
  ['mysqldump -p PASS', 'mysqldump -h db -u admin -p S3cretDump healer', 'S3cretDump'],
  ['mariadb -pPASS', 'mariadb -uroot -pMaria5ecret', 'Maria5ecret'],
  // key=value / key: value with any key containing a secret word
  ['SECRET_KEY=', 'SECRET_KEY=django-insecure-abc123', 'django-insecure-abc123'],
  ['SECRET_KEY_BASE:', 'SECRET_KEY_BASE: 9f8e7d6c5b4a', '9f8e7d6c5b4a'],
  ['db_passwd=', 'db_passwd=Tr0ub4dor', 'Tr0ub4dor'],
  ['PGPASSWORD=', 'PGPASSWORD=pgS3cret psql', 'pgS3cret'],
  ['MYSQL_PWD=', 'MYSQL_PWD=mysqlPwd77', 'mysqlPwd77'],
  ['x-auth-token:', 'x-auth-token: aat-55443322', 'aat-55443322'],
  ['auth_token=', 'auth_token=aa11bb22cc33', 'aa11bb22cc33'],
  ['auth=', 'connecting with auth=user:pw123', 'user:pw123'],
  ['refresh_token=', 'refresh_token=rt-0099887766', 'rt-0099887766'],
  ['client_credentials=', 'client_credentials=cc-abcabc123', 'cc-abcabc123'],
  ['privateKey:', 'privateKey: mypriv8877', 'mypriv8877'],
  ['access_key=', 'access_key=AK998877xyz', 'AK998877xyz'],
  ['aws_secret_access_key=', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
  ['apikey in query', 'GET /v1/data?apikey=qq8877665544&x=1', 'qq8877665544'],
  ['token in JSON', '{"token": "tok-443322110099"}', 'tok-443322110099'],
  ['YAML password', '  password: yamlSecret42', 'yamlSecret42'],
  ['dotted key', 'spring.datasource.password = springPw55', 'springPw55'],
  ['npmrc _authToken', '//registry.npmjs.org/:_authToken=npmAuthTok998877', 'npmAuthTok998877'],
  ['export NAME value', 'export SECRET_KEY s3cr3tValue99', 's3cr3tValue99'],
  ['ENV NAME value', 'ENV API_TOKEN dockerTok5566', 'dockerTok5566'],
  // quoted values with spaces
  ['password="two words"', 'login password="two words" ok', 'two words'],
  ["secret='a b c'", "config secret='a b c' loaded", 'a b c'],
  ['"api_key": "x y"', '{"api_key": "spaced key value"}', 'spaced key value'],
  ['token = "quoted"', 'token = "quoted-token-value"', 'quoted-token-value'],
  // URLs with user:pass@
  ['https user:pass@', 'git clone https://rex:ghostpw1@github.com/o/r.git', 'ghostpw1'],
  ['postgres URL', 'DATABASE_URL=postgres://healer:hunter2pg@db:5432/healer', 'hunter2pg'],
  ['redis URL', 'redis://default:redisPw9@cache:6379/0', 'redisPw9'],
  ['amqp URL', 'amqp://guest:rabbitPw7@mq:5672/', 'rabbitPw7'],
  // Authorization headers
  ['Authorization: Bearer', 'Authorization: Bearer abc.def-ghi_jkl~mno+pqr/stu=', 'abc.def-ghi'],
  ['Authorization: Basic', 'authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
  ['Authorization: token', 'Authorization: token ghtok998877665544', 'ghtok998877665544'],
  ['Authorization bare', '"Authorization": "rawCredential12345"', 'rawCredential12345'],
  ['Proxy-Authorization', 'Proxy-Authorization: Basic cHJveHk6cGFzcw==', 'cHJveHk6cGFzcw=='],
  ['bearer in text', 'sending bearer sk9d8f7g6h5j4k3l2 to api', 'sk9d8f7g6h5j4k3l2'],
  // vendor token shapes
  ['GitHub classic', 'using ghp_1234567890abcdefghijABCDEFGHIJ123456', 'ghp_1234567890abcdefghij'],
  ['GitHub app', 'ghs_abcdefghijABCDEFGHIJ1234567890abcd', 'ghs_abcdefghij'],
  [
    'GitHub fine-grained',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF',
    'github_pat_11ABCDEFG',
  ],
  ['GitLab PAT', 'glpat-AbCdEfGhIjKlMnOpQrSt', 'glpat-AbCdEfGhIjKl'],
  ['Slack bot token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-123456789012'],
  ['Slack webhook', 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX', 'XXXXXXXXXXXXXXXX'],
  ['AWS access key id', 'key id AKIAIOSFODNN7EXAMPLE in use', 'AKIAIOSFODNN7EXAMPLE'],
  [
    'GCP service-account JSON private key',
    '{"type": "service_account", "private_key_id": "a1b2c3d4e5f6", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"}',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
  ],
  ['GCP private_key_id', '"private_key_id": "a1b2c3d4e5f60718"', 'a1b2c3d4e5f60718'],
  ['Google OAuth access token', 'access ya29.a0AfH6SMBx1234567890abcdefghij', 'ya29.a0AfH6SMBx'],
  ['Stripe live key', 'stripe sk_live_51HabcdefGHIJKLMNOPqrstu', 'sk_live_51Habcdef'],
  ['Stripe restricted key', 'rk_test_4eC39HqLyjWDarjtT1zdp7dc', 'rk_test_4eC39HqL'],
  ['OpenAI project key', 'OPENAI sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'sk-proj-abcdefghij'],
  ['OpenAI key', 'key sk-abcdefghijklmnopqrstuvwxyz0123456789', 'sk-abcdefghijklmnop'],
  ['Anthropic key', 'using sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345', 'sk-ant-api03-abcdefgh'],
  ['xAI key', 'grok with xai-AbCdEfGhIjKlMnOpQrStUvWxYz0123', 'xai-AbCdEfGhIjKlMnOp'],
  ['Gemini key', 'GEMINI key AIzaSyA1234567890abcdefghijklmnopqrstuv', 'AIzaSyA1234567890abcdef'],
  ['npm token', 'npm_abcdefghijklmnopqrstuvwxyz0123456789', 'npm_abcdefghijklmnopqrst'],
  ['Discord webhook', 'POST https://discord.com/api/webhooks/123456789/AbCdEf-GhIjKl_mNoP', 'AbCdEf-GhIjKl_mNoP'],
  [
    'JWT',
    'id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'dozjgNryP4J3jVmNHl0w5N',
  ],
  // PEM blocks across lines
  [
    'RSA private key block',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretline1\nsecretline2xyz\n-----END RSA PRIVATE KEY-----',
    'secretline2xyz',
  ],
  [
    'OpenSSH private key block',
    'key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
    'b3BlbnNzaC1rZXktdjEAAAAA',
  ],
  [
    'PGP private key block',
    '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGPGPsecretdata\n-----END PGP PRIVATE KEY BLOCK-----',
    'lQOYBGPGPsecretdata',
  ],
  ['EC key on one line', 'key: -----BEGIN EC PRIVATE KEY----- MHcCAQEEIECsecret', 'MHcCAQEEIECsecret'],
];

// Look-alikes: readable values that must come through unchanged.
const lookAlikes = [
  'commit 3f2a9c1e8b7d6f5a4c3b2a1908f7e6d5c4b3a291',
  'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'request 123e4567-e89b-12d3-a456-426614174000 failed',
  'max_tokens=4096 input_tokens: 1200 token_count=3',
  'Author: Jane Doe <jane@example.com>',
  'authentication failed for user rex',
  'connect ECONNREFUSED 127.0.0.1:5432',
  'https://github.com/5dlabs/cto/pull/12',
  "thread 'main' panicked at src/x.rs:10:5",
  'error: invalid token provided by the client',
];

describe('redaction corpus', () => {
  it('plants at least 60 secrets', () => {
    expect(planted.length).toBeGreaterThanOrEqual(60);
  });

  it.each(planted)('%s does not survive', (_form, line, secret) => {
    const out = redact(line);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED');
  });

  it.each(lookAlikes)('keeps %s', (line) => {
    expect(redact(line)).toBe(line);
  });

  it('is idempotent over the corpus', () => {
    for (const [, line] of planted) expect(redact(redact(line))).toBe(redact(line));
  });
});
