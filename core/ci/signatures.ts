// CI failure signatures (codes C1–C6): what a failing GitHub Actions job's log says when a build, a test,
// a linter, dependency resolution, the runner or a permission broke. Data in the detection catalog's
// shape, so the same Matcher (literal prefilter, then the regex) scans job logs. Data only: the catalog
// imports these entries to know the C-codes, so this file imports nothing but types.
//
// Regexes are case-insensitive and stay in the portable subset (no look-around, no back-references).
import type { CatalogEntry, PatternSpec } from '../detection/catalog';

const p = (id: string, regex: string, literals: string[]): PatternSpec => ({ id, regex, literals });

/** The CI codes, most decisive first: when several lines of a failed step match, the best-ranked wins. */
export const CI_CATALOG: readonly CatalogEntry[] = [
  {
    code: 'C5',
    category: 'ci',
    priority: 'P3',
    severity: 'medium',
    title: 'CI infrastructure failure',
    description:
      'The job failed for reasons outside the code: out of memory (exit 137), the runner was lost or timed out, no disk space, network or registry outages.',
    suggestedAction:
      'Re-run the job; if it repeats, raise the runner size or the job timeout, cache dependencies, or reduce parallelism.',
    patterns: [
      p('c5-oom', 'exit code 137|out of memory|cannot allocate memory|oomkilled|^\\s*killed\\s*$', [
        'exit code 137',
        'out of memory',
        'cannot allocate memory',
        'oomkilled',
        'killed',
      ]),
      p(
        'c5-runner',
        'exceeded the maximum execution time|the operation was canceled|runner has received a shutdown signal|lost communication with the server|hosted runner encountered an error|job was not acquired by runner',
        [
          'maximum execution time',
          'operation was canceled',
          'shutdown signal',
          'lost communication',
          'runner encountered',
          'not acquired',
        ],
      ),
      p('c5-disk', 'no space left on device|\\benospc\\b', ['no space left', 'enospc']),
      p(
        'c5-net-unreachable',
        '\\betimedout\\b|\\beconnreset\\b|\\beconnrefused\\b|could not resolve host|temporary failure in name resolution|\\b(502 bad gateway|503 service unavailable|504 gateway time-?out)\\b|api rate limit exceeded|\\btimed out\\b',
        [
          'etimedout',
          'econnreset',
          'econnrefused',
          'resolve host',
          'name resolution',
          'bad gateway',
          'service unavailable',
          'gateway time',
          'rate limit exceeded',
          'timed out',
        ],
      ),
    ],
  },
  {
    code: 'C6',
    category: 'ci',
    priority: 'P2',
    severity: 'critical',
    title: 'CI permission or secret error',
    description:
      'A token, secret or permission the workflow needs is missing or was refused (403, bad credentials, missing secret input), or a security scan failed.',
    suggestedAction:
      "Check the workflow's `permissions:`, the repository/organisation secrets it reads and their expiry; never paste a secret into a fix.",
    patterns: [
      p(
        'c6-not-accessible',
        'resource not accessible by integration|bad credentials|permission to \\S+ denied to|returned error: 403|\\b403 forbidden\\b',
        ['not accessible', 'bad credentials', 'permission to', 'returned error: 403', '403 forbidden'],
      ),
      p(
        'c6-secret-missing',
        'input required and not supplied|secret[^\\n]{0,60}(not found|not set|is empty|is missing|missing)|credentials could not be loaded',
        ['input required', 'secret', 'credentials could not'],
      ),
      p(
        'c6-registry-auth',
        '\\b(e401|e403|eneedauth)\\b|\\b401 unauthorized\\b|unauthorized: authentication required|denied: (requested access|permission)',
        ['e401', 'e403', 'eneedauth', '401 unauthorized', 'authentication required', 'denied: '],
      ),
      p('c6-security-scan', '\\bleaks found\\b|secrets? detected|found \\d+ (high|critical) severity vulnerabilit', [
        'leaks found',
        'detected',
        'vulnerabilit',
      ]),
    ],
  },
  {
    code: 'C4',
    category: 'ci',
    priority: 'P2',
    severity: 'high',
    title: 'CI dependency resolution failed',
    description:
      'Dependencies could not be resolved or installed: version conflicts, missing packages, a lock file out of date.',
    suggestedAction:
      'Update the manifest and lock file together (npm install / cargo update / go mod tidy), pin the conflicting version, or restore the missing package.',
    patterns: [
      p(
        'c4-npm',
        '(npm err!|npm error) code (eresolve|e404|etarget|enoversions|eintegrity|elockverify)|unable to resolve dependency tree|could not resolve dependency|no matching version found for|npm ci can only install packages when|err_pnpm_[a-z_]+|couldn.t find any versions for',
        [
          'npm err',
          'npm error',
          'resolve dependency',
          'no matching version',
          'npm ci can only',
          'err_pnpm_',
          'find any versions',
        ],
      ),
      p(
        'c4-lockfile',
        'lockfile needs to be updated|lockfile would have been modified|frozen-lockfile|needs to be updated but --locked',
        ['lockfile', '--locked'],
      ),
      p('c4-cargo', 'failed to select a version for|no matching package named|failed to get `[^`]+` as a dependency', [
        'failed to select',
        'no matching package',
        'as a dependency',
      ]),
      p(
        'c4-python',
        'resolutionimpossible|could not find a version that satisfies the requirement|no matching distribution found',
        ['resolutionimpossible', 'satisfies the requirement', 'no matching distribution'],
      ),
      p(
        'c4-go',
        'missing go\\.sum entry|updates to go\\.mod needed|cannot find module providing package|go: [^\\s]+@[^\\s]+: (reading|verifying)',
        ['go.sum', 'go.mod', 'cannot find module providing', 'go: '],
      ),
      p(
        'c4-jvm',
        'could not resolve dependencies for project|could not resolve all (files|dependencies|artifacts) for configuration',
        ['could not resolve'],
      ),
    ],
  },
  {
    code: 'C1',
    category: 'ci',
    priority: 'P2',
    severity: 'high',
    title: 'CI build failed',
    description: 'The code does not compile or bundle: compiler, type-checker or bundler errors.',
    suggestedAction:
      'Fix the first compiler error in the log (the rest often follow from it) and build locally before pushing.',
    patterns: [
      p('c1-rust', '^error\\[e\\d{4}\\]: |^error: could not compile', ['error[e', 'could not compile']),
      p('c1-typescript', '\\berror ts\\d{3,5}: ', ['error ts']),
      p(
        'c1-go',
        '\\.go:\\d+(:\\d+)?: (undefined: |cannot use |declared and not used|imported and not used|syntax error|too many arguments|not enough arguments|missing return|invalid operation)',
        ['.go:'],
      ),
      p('c1-c-family', '\\.(c|cc|cpp|cxx|h|hpp|java|kt|swift|cs)(:\\d+)+:? (fatal )?error:? ', ['error']),
      p('c1-module-missing', "cannot find module '|module not found: error: can.t resolve|unresolved import", [
        'cannot find module',
        'module not found',
        'unresolved import',
      ]),
      p('c1-syntax', '\\bsyntaxerror: |\\bparse error\\b', ['syntaxerror', 'parse error']),
      p(
        'c1-build-failed',
        'compilation failed|compilation failure|failed to compile|error during build|\\bbuild failed\\b',
        ['compilation fail', 'failed to compile', 'error during build', 'build failed'],
      ),
    ],
  },
  {
    code: 'C3',
    category: 'ci',
    priority: 'P3',
    severity: 'medium',
    title: 'CI lint or format check failed',
    description: 'A linter or formatter rejected the change (eslint, prettier, clippy, rustfmt, ruff, black …).',
    suggestedAction: 'Run the linter/formatter locally with its fix option and commit the result.',
    patterns: [
      p('c3-eslint', '^\\s*\\d+:\\d+\\s+error\\s+.+\\s[@\\w/-]+$|\\d+ problems? \\(\\d+ errors?', ['error', 'problem']),
      p('c3-prettier', 'code style issues found|forgot to run prettier', [
        'code style issues',
        'forgot to run prettier',
      ]),
      p('c3-clippy', 'clippy::[a-z_]+|#\\[deny\\(clippy', ['clippy']),
      p('c3-rustfmt', '^diff in [^\\s]+ at line \\d+', ['diff in ']),
      p('c3-python', '\\.py:\\d+:\\d+: [a-z]{1,3}\\d{3,4} |would reformat |files? would be reformatted', [
        '.py:',
        'would reformat',
        'would be reformatted',
      ]),
      p(
        'c3-golangci',
        '\\.go:\\d+:\\d+: .+ \\((errcheck|govet|staticcheck|unused|gosimple|ineffassign|revive|gofmt|goimports|gocritic|misspell|gosec)\\)\\s*$',
        ['.go:'],
      ),
      p('c3-lint-failed', '\\b(lint|linting|format check) (failed|errors? found)', ['lint', 'format check']),
    ],
  },
  {
    code: 'C2',
    category: 'ci',
    priority: 'P2',
    severity: 'high',
    title: 'CI tests failed',
    description: 'One or more tests failed (jest, cargo test, pytest, go test, mocha, JUnit …).',
    suggestedAction: 'Reproduce the named failing test locally, fix the code (or the test if it is wrong), and re-run.',
    patterns: [
      p('c2-jest-suite', '^\\s*fail\\s+[\\w./@-]+\\.(test|spec)\\.[cm]?[jt]sx?\\b', ['fail']),
      p('c2-cargo', '^test [\\w:]+ \\.\\.\\. failed$|^test result: failed', ['... failed', 'test result: failed']),
      p('c2-pytest', '^failed [\\w./-]+::[\\w\\[\\]./-]+', ['failed ']),
      p('c2-go', '^\\s*--- fail: [\\w/]+', ['--- fail:']),
      p('c2-summary', '^tests:\\s+\\d+ failed|^\\s*\\d+ failing\\s*$|tests run: \\d+, failures: [1-9]|=+ \\d+ failed', [
        'tests:',
        'failing',
        'failures:',
        ' failed',
      ]),
      p('c2-assertion', '\\bassertionerror\\b|\\bassertion failed\\b', ['assertionerror', 'assertion failed']),
    ],
  },
];

/** Rank of a CI pattern among the lines of a failed step (lower wins); see classify.ts. */
export function ciPatternRank(patternId: string): number {
  // Network hiccups are often a symptom of a failing test or build: they only win when nothing else matched.
  if (patternId.startsWith('c5-net-')) return 6;
  const order = ['C5', 'C6', 'C4', 'C1', 'C3', 'C2'];
  const code = `C${patternId.charAt(1)}`;
  return order.indexOf(code);
}
