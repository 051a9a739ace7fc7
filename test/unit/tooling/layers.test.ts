// The layer rules of eslint.config.mjs fire on deliberate violations (and stay quiet on allowed imports),
// so a change that imports upward fails `npm test`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const refused: Array<[file: string, code: string, expected: string]> = [
  ['core/session/probe.ts', "import { startMainWorker } from '../../workers/main';", 'core/ is the bottom layer'],
  ['core/session/probe.ts', "import { createActivities } from '../../activities';", 'core/ is the bottom layer'],
  ['core/session/probe.ts', "import { readFileSync } from 'node:fs';", 'no Node built-ins'],
  ['core/probe.ts', "import { githubFake } from '../test/fakes/github';", 'must not import test code'],
  ['workflows/session/probe.ts', "import { loadConfig } from '../../runtime/config';", 'workflows import only core/'],
  ['workflows/session/probe.ts', "import { buildApi } from '../../api/server';", 'workflows import only core/'],
  ['workflows/session/probe.ts', "import { createActivities } from '../../activities';", 'by type only'],
  ['workflows/probe.ts', "import { createHash } from 'crypto';", 'no Node built-ins'],
  ['api/probe.ts', "import { githubFake } from '../test/fakes/github';", 'must not import test code'],
  ['workers/probe.ts', "import { freePort } from '../test/support/ports';", 'must not import test code'],
];
const allowed: Array<[file: string, code: string]> = [
  ['core/session/probe.ts', "import { sessionWorkflowId } from '../contract';"],
  ['workflows/session/probe.ts', "import type { createActivities } from '../../activities';"],
  ['workflows/session/probe.ts', "import { statusQuery } from '../../core/contract';"],
  ['api/probe.ts', "import { loadConfig } from '../runtime/config';"],
  ['test/unit/probe.test.ts', "import { githubFake } from '../fakes/github';"],
];

let messages: string[][] = [];

beforeAll(() => {
  const probes = [...refused, ...allowed].map(([filePath, code]) => ({ filePath, code }));
  const out = execFileSync(process.execPath, [join(__dirname, '..', '..', 'support', 'lint-probe.mjs')], {
    input: JSON.stringify(probes),
    encoding: 'utf8',
  });
  messages = JSON.parse(out) as string[][];
}, 60_000);

describe('layer rules', () => {
  it.each(refused.map((probe, index) => [...probe, index] as const))(
    '%s: %s is refused',
    (_file, _code, expected, index) => {
      expect(messages[index].join('\n')).toContain(expected);
    },
  );

  it.each(allowed.map((probe, index) => [...probe, refused.length + index] as const))(
    '%s: %s is allowed',
    (_file, _code, index) => {
      expect(messages[index]).toEqual([]);
    },
  );
});
