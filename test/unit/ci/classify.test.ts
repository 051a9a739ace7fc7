// CI job logs are classified into C1–C6 with a signature that names the failure (error code, test, rule).
import { classifyJobLog, ciCodeForStep } from '../../../core/ci/classify';
import { echoedStepLines, exitCodeOf, failedSection, jobLogLines, logWindow } from '../../../core/ci/job-log';
import { codeInfo } from '../../../core/detection/catalog';
import { asGitHubLog, JOB_LOGS } from './job-logs';

const classify = (name: keyof typeof JOB_LOGS) => {
  const fixture = JOB_LOGS[name];
  return classifyJobLog(jobLogLines(asGitHubLog(fixture.lines)), fixture.step, fixture.job);
};

describe('job logs', () => {
  test('timestamps, the byte-order mark and colours are removed; line breaks of every kind split', () => {
    const text =
      '\ufeff2026-03-01T10:00:00.1234567Z \u001b[31merror\u001b[0m: boom\r\n2026-03-01T10:00:01.0000000Z next\rlast\n';
    expect(jobLogLines(text)).toEqual(['error: boom', 'next', 'last']);
  });

  test('the runner echoing a step (script, with:, env:) is told apart from its output', () => {
    const lines = [
      '##[group]Run npm test',
      'npm test',
      'env:',
      '##[endgroup]',
      'FAIL x.test.ts',
      '##[group]Some output group',
      'inside',
    ];
    expect(echoedStepLines(lines)).toEqual([true, true, true, true, false, true, false]);
  });

  test('the failed section runs from the last Run header before the first error marker to that marker', () => {
    const lines = [
      '##[group]Run a',
      'ok',
      '##[group]Run b',
      'bad',
      '##[error]Process completed with exit code 2.',
      'post',
    ];
    expect(failedSection(lines)).toEqual({ start: 2, end: 5 });
    expect(failedSection(['no markers'])).toEqual({ start: 0, end: 1 });
    expect(exitCodeOf(lines)).toBe(2);
    expect(logWindow(lines, 3, 1, 1)).toEqual([
      '##[group]Run b',
      'bad',
      '##[error]Process completed with exit code 2.',
    ]);
  });
});

describe('classifyJobLog', () => {
  test.each([
    ['rustBuild', 'C1', 'C1:e0308', 'error[E0308]: mismatched types'],
    [
      'tscBuild',
      'C1',
      'C1:ts2322',
      "src/api/server.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    ],
    ['jestTest', 'C2', 'C2:src/orders.test.ts', 'FAIL src/orders.test.ts'],
    ['cargoTest', 'C2', 'C2:config::parses_overrides', 'test config::parses_overrides ... FAILED'],
    [
      'pytest',
      'C2',
      'C2:tests/test_api.py::test_create_order',
      'FAILED tests/test_api.py::test_create_order - AssertionError: 500 != 201',
    ],
    ['goTest', 'C2', 'C2:testordertotal', '--- FAIL: TestOrderTotal (0.00s)'],
    [
      'eslint',
      'C3',
      'C3:@typescript-eslint/no-unused-vars',
      "  12:7  error  'unused' is assigned a value but never used  @typescript-eslint/no-unused-vars",
    ],
    [
      'prettier',
      'C3',
      'C3:c3-prettier',
      '[warn] Code style issues found in the above file. Run Prettier with --write to fix.',
    ],
    ['npmResolve', 'C4', 'C4:eresolve', 'npm error code ERESOLVE'],
    ['oom', 'C5', 'C5:c5-oom', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
    [
      'runnerTimeout',
      'C5',
      'C5:c5-runner',
      'The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.',
    ],
    [
      'permission',
      'C6',
      'C6:c6-not-accessible',
      'HTTP 403: Resource not accessible by integration (https://api.github.com/repos/acme/app/releases)',
    ],
    ['missingSecret', 'C6', 'C6:c6-secret-missing', 'Input required and not supplied: password'],
  ] as const)('%s → %s (%s)', (name, code, signature, line) => {
    const result = classify(name);
    expect(result).toMatchObject({ code, signature, line });
    expect(result.severity).toBe(codeInfo(code)!.severity);
    expect(result.priority).toBe(codeInfo(code)!.priority);
  });

  test('out of memory wins over the test failure it caused', () => {
    expect(classify('oom').code).toBe('C5');
  });

  test('only an exit code: the step name says what failed, and the last output line is shown', () => {
    expect(classify('exitOnlyLint')).toMatchObject({
      code: 'C3',
      patternId: 'ci-exit-code',
      signature: 'C3:exit-3',
      line: 'docs/index.md looks odd',
    });
  });

  test('error words in the echoed script of a step are not the failure', () => {
    expect(classify('echoedScript')).toMatchObject({ code: 'C1', patternId: 'ci-exit-code', line: 'building…' });
  });

  test('a warning alone is not a failure, and a zero count is not either', () => {
    const lines = [
      'warning: unused import: `std::fmt`',
      'Tests: 0 failed, 3 passed',
      '##[error]Process completed with exit code 1.',
    ];
    expect(classifyJobLog(lines, 'Build', 'build').patternId).toBe('ci-exit-code');
  });

  test('lines the agent-log catalog knows (a panic outside any test runner summary) map to CI codes', () => {
    const lines = [
      '##[group]Run ./run-fixtures.sh',
      './run-fixtures.sh',
      '##[endgroup]',
      "thread 'main' panicked at src/main.rs:3:5:",
      '##[error]Process completed with exit code 101.',
    ];
    expect(classifyJobLog(lines, 'Run fixtures', 'fixtures')).toMatchObject({
      code: 'C1',
      catalogCode: 'R1',
      signature: 'C1:R1:r1-rust-panic',
    });
    expect(classifyJobLog(lines, 'Integration tests', 'test')).toMatchObject({ code: 'C2', catalogCode: 'R1' });
  });

  test('an empty log still yields a classification from the step name', () => {
    expect(classifyJobLog([], 'npm ci', 'install')).toMatchObject({
      code: 'C4',
      signature: 'C4:exit-unknown',
      line: '',
    });
  });

  test('step names map to codes when nothing else is known', () => {
    expect(['cargo clippy', 'Run jest', 'Install deps', 'CodeQL scan', 'Build image'].map(ciCodeForStep)).toEqual([
      'C3',
      'C2',
      'C4',
      'C6',
      'C1',
    ]);
  });
});
