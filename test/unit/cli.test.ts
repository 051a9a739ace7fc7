// The `healer` program as a whole: help, usage errors and exit codes for every command (walked from the
// program, so a new command is covered without touching this file), `healer config`, completion, and
// what `healer --help` and `healer scan` load.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { apiRequest } from '../../cli/api-client';
import { main } from '../../cli/main';
import { buildProgram } from '../../cli/program';
import { captureIo } from '../support/cli-io';

const root = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'healer-cli-unit-'));

/** Every command and subcommand below the root, with its path (`['session', 'end']`). */
function commandsOf(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  return command.commands.flatMap((sub) => {
    const subPath = [...path, sub.name()];
    return [{ path: subPath, command: sub }, ...commandsOf(sub, subPath)];
  });
}

const program = buildProgram({ io: captureIo(), env: {}, exitCode: 0 });
const COMMANDS = commandsOf(program).map(({ path, command }) => [path.join(' '), command] as const);

async function run(argv: string[], env: Record<string, string> = {}) {
  const io = captureIo();
  const code = await main(argv, io, { HEALER_STATE_DIR: dir, ...env });
  return { code, out: io.out(), err: io.err() };
}

describe('healer --help', () => {
  test('the program has the commands the README documents', () => {
    expect(COMMANDS.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        ...['dev', 'demo', 'worker', 'llm-worker', 'api', 'watchdog', 'mcp', 'scanner', 'scan'],
        ...['audit verify', 'config', 'completion'],
        ...['session start', 'session list', 'session show', 'session end'],
      ]),
    );
  });

  test('the top-level help lists every command and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: healer');
    for (const command of program.commands) expect(out).toContain(`  ${command.name()}`);
  });

  test.each(COMMANDS)(
    'healer %s --help exits 0 and lists its options, subcommands and environment',
    async (name, command) => {
      const { code, out, err } = await run([...name.split(' '), '--help']);
      expect(code).toBe(0);
      expect(err).toBe('');
      expect(out).toContain(`Usage: healer ${name}`);
      for (const option of command.options) expect(out).toContain(option.long ?? option.short);
      for (const sub of command.commands) expect(out).toContain(`  ${sub.name()}`);
      expect(out).toMatch(/\nEnvironment:/);
    },
  );

  test('the environment section lists what the command reads', async () => {
    expect((await run(['worker', '--help'])).out).toMatch(/Environment:[^]*TEMPORAL_ADDRESS/);
    expect((await run(['session', 'list', '--help'])).out).toMatch(
      /Environment:[^]*HEALER_API_URL[^]*HEALER_API_TOKEN/,
    );
    expect((await run(['scan', '--help'])).out).toContain('Environment: none read.');
  });

  test('audit verify --help shows the help instead of reading a file named --help', async () => {
    const { code, out, err } = await run(['audit', 'verify', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: healer audit verify [options] [file]');
    expect(out).toMatch(/--temporal[^]*Environment:[^]*TEMPORAL_ADDRESS[^]*HEALER_NAMESPACE[^]*HEALER_AUDIT_LOG/);
    expect(err).toBe('');
  });
});

describe('usage errors exit 2 with a message', () => {
  test.each(COMMANDS)('healer %s --bogus-flag names the unknown option', async (name) => {
    const { code, err } = await run([...name.split(' '), '--bogus-flag']);
    expect(code).toBe(2);
    expect(err).toContain(`healer ${name}: unknown option '--bogus-flag'`);
    expect(err).toContain(`Run \`healer ${name} --help\` for usage.`);
  });

  test.each([
    [['frobnicate'], "healer: unknown command 'frobnicate'"],
    [['worker', 'extra'], "healer worker: too many arguments for 'worker'"],
    [['session', 'show'], "healer session show: missing required argument 'play_id'"],
    [['session', 'end', 'p1', '--status', 'done'], 'Allowed choices are completed, failed, cancelled'],
    [['session', 'start'], 'healer session start: needs --file PAYLOAD.json, or --play-id and --repository'],
    [['audit', 'check'], "healer audit: unknown command 'check'"],
    [['audit', 'verify', 'audit.jsonl', '--temporal'], 'healer audit verify: give FILE or --temporal, not both'],
    [['completion', 'fish'], 'Allowed choices are bash, zsh'],
  ])('healer %j', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  test('a command group without its subcommand shows its help and exits 2', async () => {
    for (const argv of [[], ['session'], ['audit']]) {
      const { code, err } = await run(argv);
      expect(code).toBe(2);
      expect(err).toContain(`Usage: healer${argv.length ? ` ${argv[0]}` : ''} [options] [command]`);
    }
  });
});

describe('healer config', () => {
  const token = 'tok-3f9a-very-secret';
  const ctoConfig = join(dir, 'cto-config.json');
  writeFileSync(ctoConfig, JSON.stringify({ remediation: { maxIterations: 2 } }));
  const env = { HEALER_API_TOKEN: token, HEALER_PORT: '9100', CTO_CONFIG: ctoConfig };

  test('prints every value with its source, secrets masked', async () => {
    const { code, out } = await run(['config'], env);
    expect(code).toBe(0);
    expect(out).not.toContain(token);
    expect(out).toMatch(/^KEY\s+SOURCE\s+VALUE$/m);
    expect(out).toMatch(/^api\.token\s+env HEALER_API_TOKEN\s+\*+$/m);
    expect(out).toMatch(/^api\.port\s+env HEALER_PORT\s+9100$/m);
    expect(out).toMatch(/^temporal\.address\s+default\s+127\.0\.0\.1:7233$/m);
    expect(out).toMatch(/^\S*remediation\.maxIterations\s+cto-config\s+2$/m);
  });

  test('--json prints the rows', async () => {
    const { code, out } = await run(['config', '--json'], env);
    expect(code).toBe(0);
    expect(out).not.toContain(token);
    const rows = JSON.parse(out) as Array<{ key: string; env?: string; value: string; source: string }>;
    expect(rows.find((r) => r.key === 'api.token')).toMatchObject({ env: 'HEALER_API_TOKEN', source: 'env' });
    expect(rows.find((r) => r.key === 'api.port')).toMatchObject({ env: 'HEALER_PORT', source: 'env', value: '9100' });
    expect(rows.filter((r) => r.source === 'default').length).toBeGreaterThan(10);
  });

  test('a bad value exits 2 naming the variable', async () => {
    const { code, err } = await run(['config'], { HEALER_PORT: 'eighty' });
    expect(code).toBe(2);
    expect(err).toContain('configuration HEALER_PORT: expected an integer');
  });
});

describe('healer completion', () => {
  test.each(['bash', 'zsh'])('%s: the script offers every command, subcommand and option', async (shell) => {
    const { code, out } = await run(['completion', shell]);
    expect(code).toBe(0);
    for (const [name, command] of COMMANDS) {
      expect(out).toContain(`/${name.replace(/ /g, '/')}`);
      for (const option of command.options) expect(out).toContain(option.long ?? option.short);
    }
  });

  test('bash completes commands, subcommands, options and fixed values', async () => {
    const script = join(dir, 'healer.bash');
    writeFileSync(script, (await run(['completion', 'bash'])).out);
    const complete = (...words: string[]): string[] => {
      const result = spawnSync(
        'bash',
        [
          '-c',
          'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _healer; printf "%s\\n" "${COMPREPLY[@]}"',
          script,
          'healer',
          ...words,
        ],
        { encoding: 'utf8' },
      );
      expect(result.stderr).toBe('');
      return result.stdout.split('\n').filter(Boolean);
    };
    expect(complete('se')).toEqual(['session']);
    expect(complete('')).toEqual(expect.arrayContaining(program.commands.map((c) => c.name())));
    expect(complete('session', '')).toEqual(expect.arrayContaining(['start', 'list', 'show', 'end']));
    expect(complete('session', 'end', 'p1', '--st')).toEqual(['--status']);
    expect(complete('session', 'end', 'p1', '--status', '')).toEqual(['completed', 'failed', 'cancelled']);
    expect(complete('completion', '')).toEqual(expect.arrayContaining(['bash', 'zsh']));
    expect(complete('scan', '--j')).toEqual(['--json']);
  });
});

describe('the API client', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(() => undefined); // accepts requests and never answers
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  });

  test('a request past its deadline fails with a clear message instead of hanging', async () => {
    await expect(apiRequest({ baseUrl: url, timeoutMs: 200 }, 'GET', '/api/v1/sessions')).rejects.toThrow(
      `the Healer API at ${url} did not answer GET /api/v1/sessions within 200 ms`,
    );
  });
});

describe('start-up loads only what the command needs', () => {
  /** Runs the CLI from the sources in a fresh node and returns the packages it loaded. */
  function packagesLoaded(argv: string[]): { code: number; packages: string[] } {
    const probe = `
      const Module = require('node:module');
      const packages = new Set();
      const load = Module._load;
      Module._load = function (request, parent, isMain) {
        const file = Module._resolveFilename(request, parent, isMain);
        const inside = file.split('/node_modules/')[1];
        if (inside) packages.add(inside.split('/').slice(0, inside.startsWith('@') ? 2 : 1).join('/'));
        return load.apply(this, arguments);
      };
      require('./test/support/swc-register');
      const quiet = { write: () => true };
      require('./cli/main')
        .main(JSON.parse(process.argv[1]), { stdin: process.stdin, stdout: quiet, stderr: quiet }, {})
        .then((code) => process.stdout.write(JSON.stringify({ code, packages: [...packages] })));`;
    const result = spawnSync(process.execPath, ['-e', probe, JSON.stringify(argv)], { cwd: root, encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
    return JSON.parse(result.stdout) as { code: number; packages: string[] };
  }

  const HEAVY = [
    '@temporalio/client',
    '@temporalio/worker',
    '@temporalio/common',
    'fastify',
    '@kubernetes/client-node',
  ];

  test('healer --help', () => {
    const { code, packages } = packagesLoaded(['--help']);
    expect(code).toBe(0);
    expect(packages).toContain('commander');
    expect(packages.filter((p) => HEAVY.includes(p) || p.startsWith('@temporalio/'))).toEqual([]);
  });

  test('healer scan of a small file', () => {
    const log = join(dir, 'small.log');
    writeFileSync(log, 'INFO agent rex started\nthread main panicked at src/x.rs:10:5\n');
    const { code, packages } = packagesLoaded(['scan', log]);
    expect(code).toBe(1);
    expect(packages.filter((p) => HEAVY.includes(p) || p.startsWith('@temporalio/'))).toEqual([]);
  });
});
