// The detection catalog as data: every log-detectable code, its patterns and the false-positive
// suppression rules. Codes are stable identifiers; patterns may improve.
//
// Pattern regexes are case-insensitive and use only the portable regex subset (no look-around, no
// back-references) so the same text runs in V8 and in ripgrep (the benchmark compares the two).
// Each pattern lists `literals`: lower-case strings of which at least one must occur in a line for the
// regex to possibly match. They feed the matcher's cheap prefilter. Words that may stand far apart in a
// line are joined with a lazy `.*?` (never a `{0,N}` distance cap, which misses long lines).
import type { Priority, Severity } from '../contract';
import { CI_CATALOG } from '../ci/signatures';

export interface PatternSpec {
  id: string;
  regex: string;
  literals: string[];
}

export type Category = 'preflight' | 'runtime' | 'lifecycle' | 'generic' | 'ci';

/** Error-level lines no specific code claims: counted and shown, an incident only past a repeat rate. */
export const GENERIC_ERROR_CODE = 'G1';

export interface CatalogEntry {
  code: string;
  category: Category;
  priority: Priority;
  severity: Severity;
  title: string;
  description: string;
  suggestedAction: string;
  patterns: PatternSpec[];
}

export interface SuppressionRule {
  id: string;
  description: string;
  /** Case-insensitive unless `caseSensitive`. */
  regex: string;
  caseSensitive?: boolean;
  /** Codes this rule applies to; all codes when absent. */
  codes?: string[];
  /** The rule does not apply when this also matches (e.g. a retry notice that says it gave up). */
  unless?: string;
}

const p = (id: string, regex: string, literals: string[]): PatternSpec => ({ id, regex, literals });
const CTO_CONFIG = ['cto-config', 'cto_config', 'cto config', 'ctoconfig'];
/** Error-level words (logfmt, JSON, brackets); their literal stems ('err' also covers 'error'). */
const SEVERE = '(error|err|fatal|critical|crit|panic)';
const SEVERE_WORDS = ['err', 'fatal', 'crit', 'panic'];
/** Literals for "(failed to|could not|unable to|cannot) <verb>". */
const verbs = (list: string[]): string[] =>
  ['failed to', 'could not', 'unable to', 'cannot'].flatMap((f) => list.map((v) => `${f} ${v}`));

/**
 * Entries in evaluation order: the first entry with a matching pattern wins, so more specific codes come
 * before generic ones (R3 "max retries exceeded … connection refused" is R3, not R2; the generic G1 is last).
 */
export const CATALOG: readonly CatalogEntry[] = [
  {
    code: 'A10',
    category: 'preflight',
    priority: 'P1',
    severity: 'high',
    title: 'Agent missing declared tools',
    description: 'The tools an agent reports at start-up do not include every tool its cto_config declares.',
    suggestedAction:
      'Compare the agent tool inventory with cto_config; fix the MCP server list or the declared tools, then restart the agent.',
    patterns: [
      p('a10-inventory-mismatch', 'tool[ _-]?inventory[ _-]?mismatch', ['inventory']),
      p('a10-declared-missing', 'declared[ _-]tools?[^\\n]*(missing|not (found|available|registered|reported))', [
        'declared',
      ]),
      p('a10-missing-tools', 'missing (declared |required |expected )?tools?\\s*[:=(\\[]', [
        'missing tool',
        'missing declared',
        'missing required',
        'missing expected',
      ]),
      p('a10-not-in-inventory', 'tools?\\b[^\\n]*not (found|available|present) in (the )?(tool )?inventory', [
        'inventory',
      ]),
      // The skill's `tool.*not found` and "[tool_name] not available"; the field's "unresolved tools",
      // "missing from CLI".
      p('a10-tool-not-found', '\\btools?\\b.*?\\bnot (found|available)\\b', ['not found', 'not available']),
      p('a10-unresolved-tools', '\\bunresolved tools?\\b|\\bmissing from (the )?cli\\b', [
        'unresolved tool',
        'missing from',
      ]),
    ],
  },
  {
    code: 'A11',
    category: 'preflight',
    priority: 'P1',
    severity: 'high',
    title: 'CTO config not loaded or synced',
    description: 'The agent could not load, parse or sync its cto-config.',
    suggestedAction:
      'Check the cto-config ConfigMap/secret exists, is valid JSON matching the schema, and is mounted into the agent pod.',
    patterns: [
      p(
        'a11-config-bad',
        'cto[-_ ]?config[^\\n]*(missing|invalid|not found|not loaded|not synced|out of sync|malformed|parse error|failed)',
        CTO_CONFIG,
      ),
      p(
        'a11-config-load-failed',
        '(failed to|could not|unable to|cannot) (load|read|parse|sync|fetch|find) [^\\n]*cto[-_ ]?config',
        CTO_CONFIG,
      ),
      // "Invalid CTO config structure", "Config missing: cto-config.json" (the file named after the verdict).
      p('a11-invalid-config', '\\b(invalid|malformed|corrupt) cto[-_ ]?config', CTO_CONFIG),
      p('a11-config-named', '\\bconfig(uration)?( file)? (is )?(missing|not found)\\b.*?cto[-_ ]?config', CTO_CONFIG),
    ],
  },
  {
    code: 'A12',
    category: 'preflight',
    priority: 'P1',
    severity: 'high',
    title: 'MCP server or tools-server down',
    description: 'An MCP server failed to initialise, or the tools-server cannot be reached.',
    suggestedAction:
      'Check the MCP server / tools-server pod and its logs; verify its URL and credentials in cto_config, then restart the agent.',
    patterns: [
      p(
        'a12-mcp-init-failed',
        'mcp.*?(failed to (initiali[sz]e|start|connect|launch|spawn)|initiali[sz]ation failed|connection (failed|closed unexpectedly)|not responding|unreachable|exited with (code|status)|crashed)',
        ['mcp'],
      ),
      p(
        'a12-failed-to-start-mcp',
        '(failed to (initiali[sz]e|start|connect to|launch|spawn)|could not start|unable to start) .*?mcp',
        ['mcp'],
      ),
      p(
        'a12-tools-server-unreachable',
        'tools[- _]server[^\\n]*(unreachable|unavailable|not reachable|connection refused|not responding|is down|timed out|failed to connect)',
        ['tools-server', 'tools server', 'tools_server'],
      ),
    ],
  },
  {
    code: 'R1',
    category: 'runtime',
    priority: 'P2',
    severity: 'critical',
    title: 'Crash',
    description: 'The agent or a tool it runs crashed: panic, fatal runtime error, uncaught exception, out of memory.',
    suggestedAction:
      'Read the stack trace around the line, reproduce locally, fix the crashing code path; restart the agent once fixed.',
    patterns: [
      p('r1-rust-panic', 'panicked at', ['panicked']),
      p('r1-go-panic', '(^|\\s)panic: ', ['panic: ']),
      p('r1-fatal-error', '\\bfatal error\\b', ['fatal error']),
      p('r1-python-traceback', 'traceback \\(most recent call last\\)', ['traceback']),
      p('r1-segfault', 'segmentation fault|\\bsigsegv\\b|core dumped', ['segmentation', 'sigsegv', 'core dumped']),
      p('r1-uncaught', 'unhandled ?promise ?rejection|uncaught ?exception|unhandled exception', [
        'unhandled',
        'uncaught',
      ]),
      p('r1-js-error', '\\b(typeerror|referenceerror|rangeerror): ', ['typeerror', 'referenceerror', 'rangeerror']),
      p(
        'r1-jvm-exception',
        '\\bjava\\.lang\\.[\\w$]*(exception|error)\\b|exception in thread\\b|\\bnullpointerexception\\b',
        ['java.lang.', 'exception in thread', 'nullpointerexception'],
      ),
      p('r1-oom', 'heap out of memory|\\bout of memory\\b|outofmemoryerror|oomkilled|has overflowed its stack', [
        'out of memory',
        'outofmemory',
        'oomkilled',
        'overflowed',
      ]),
    ],
  },
  {
    code: 'R5',
    category: 'runtime',
    priority: 'P2',
    severity: 'critical',
    title: 'Authentication broken',
    description: 'A credential was rejected: HTTP 401, bad or expired token, failed authentication.',
    suggestedAction:
      'Rotate or re-mount the credential (GitHub App token, API key); check the secret the agent reads and its expiry.',
    patterns: [
      p('r5-unauthorized', '\\bunauthori[sz]ed\\b', ['unauthorized', 'unauthorised']),
      p(
        'r5-invalid-token',
        '\\binvalid[ _-](x-)?(token|api[ _-]?key|credentials|bearer|grant|access[ _-]token)|invalid (username|user name) or (token|password)',
        [
          'invalid token',
          'invalid_token',
          'invalid-token',
          'invalid api',
          'invalid_api',
          'invalid-api',
          'invalid x-api',
          'invalid cred',
          'invalid_cred',
          'invalid bearer',
          'invalid grant',
          'invalid_grant',
          'invalid access',
          'invalid_access',
          'invalid-access',
          'invalid user',
        ],
      ),
      p('r5-http-401', '\\b(http|status([ _-]?code)?)["\']?\\s*[:= ]\\s*["\']?401\\b|\\b401 unauthori', ['401']),
      p('r5-bad-credentials', 'bad credentials', ['bad credentials']),
      p(
        'r5-auth-failed',
        'authentication[ _](failed|failure|required|error)|\\bauth(entication)? token (is )?(invalid|rejected)',
        ['authentication', 'auth token'],
      ),
      p(
        'r5-token-expired',
        '\\b(token|credentials?) (has |have )?(expired|been revoked|revoked)|\\bexpired (token|credentials)',
        ['expired', 'revoked'],
      ),
      p('r5-publickey', 'permission denied \\(publickey', ['publickey']),
      p('r5-not-accessible', 'resource not accessible by integration', ['not accessible']),
      p('r5-requires-auth', 'requires authentication|could not read (username|password) for', [
        'requires authentication',
        'could not read',
      ]),
    ],
  },
  {
    code: 'R4',
    category: 'runtime',
    priority: 'P2',
    severity: 'critical',
    title: 'Cannot read or write files',
    description: 'A file-system operation failed: permission denied, read-only file system, no space left.',
    suggestedAction:
      'Check the volume mounts, securityContext (runAsUser/fsGroup) and free space of the agent workspace.',
    patterns: [
      p('r4-eacces', '\\beacces\\b', ['eacces']),
      p('r4-os-error-13', 'permission denied \\(os error 13\\)|\\[errno 13\\]', ['os error 13', 'errno 13']),
      p(
        'r4-permission-denied-path',
        'permission denied[^\\n]*(filesystem|file system|/\\w)|/\\w[^\\n]*permission denied',
        ['permission denied'],
      ),
      p('r4-eperm', '\\beperm\\b|operation not permitted', ['eperm', 'not permitted']),
      p('r4-read-only', 'read-only file ?system|\\berofs\\b', ['read-only', 'erofs']),
      p('r4-no-space', 'no space left on device|\\benospc\\b', ['no space left', 'enospc']),
    ],
  },
  {
    code: 'R3',
    category: 'runtime',
    priority: 'P2',
    severity: 'high',
    title: 'Agent exhausted retries',
    description: 'An operation was retried until its limit and then abandoned.',
    suggestedAction:
      'Find the underlying error in the preceding lines (usually R2 or R5) and fix that; raise limits only if the dependency is known to be slow.',
    patterns: [
      p('r3-max-retries', 'max(imum)?[ _-]?(number of )?retries[ _-]?(exceeded|reached|exhausted)', [
        'exceeded',
        'reached',
        'exhausted',
      ]),
      p(
        'r3-retries-exhausted',
        '(retries|retry budget|attempts) exhausted|exhausted (all )?(\\d+ )?(retries|retry attempts|attempts)',
        ['exhausted'],
      ),
      p('r3-giving-up', '(giving|gave) up after \\d+ (attempts|retries|tries)', ['up after']),
      p(
        'r3-retry-limit',
        'retry limit (reached|exceeded)|exceeded (the )?max(imum)? (number of )?(retries|attempts|retry)',
        ['retry limit', 'exceeded'],
      ),
      p('r3-all-attempts-failed', 'all \\d+ (attempts|retries) failed', ['attempts failed', 'retries failed']),
    ],
  },
  {
    code: 'L1',
    category: 'lifecycle',
    priority: 'P3',
    severity: 'medium',
    title: 'Template not found',
    description: 'A prompt or job template the agent needs could not be found or rendered.',
    suggestedAction: 'Check the template name and the templates ConfigMap of the controller.',
    patterns: [
      p('l1-template-not-found', 'template.*?not found|templatenotfound|no such template|missing template', [
        'not found',
        'templatenotfound',
        'no such template',
        'missing template',
      ]),
      p(
        'l1-template-load-failed',
        '(failed to|could not|unable to|cannot) (load|render|find|read|parse) .*?template',
        verbs(['load', 'render', 'find', 'read', 'parse']),
      ),
    ],
  },
  {
    code: 'L2',
    category: 'lifecycle',
    priority: 'P3',
    severity: 'medium',
    title: 'Prompt missing',
    description: 'The agent started without its prompt (file missing or empty).',
    suggestedAction: 'Check the prompt files the controller mounts for this agent and task.',
    patterns: [
      p('l2-prompt-missing', 'prompt.*?(missing|not found|is empty)|\\b(missing|no) (system |agent )?prompt\\b', [
        'missing',
        'not found',
        'is empty',
        'no prompt',
        'no system prompt',
        'no agent prompt',
      ]),
      p(
        'l2-prompt-load-failed',
        '(failed to|could not|unable to|cannot) (load|read|find) .*?prompt',
        verbs(['load', 'read', 'find']),
      ),
    ],
  },
  {
    code: 'L3',
    category: 'lifecycle',
    priority: 'P3',
    severity: 'medium',
    title: 'Role undefined',
    description: 'The agent role referenced by the run is not defined.',
    suggestedAction: 'Define the role in cto_config (agents section) or fix the role name in the play.',
    patterns: [
      p(
        'l3-role-undefined',
        'role.*?undefined|\\brole\\b(\\s+\\S+)?\\s+(is )?(not defined|not found|unknown)\\b|\\b(undefined|unknown) (agent )?role\\b',
        ['undefined', 'not defined', 'not found', 'unknown'],
      ),
    ],
  },
  {
    code: 'L4',
    category: 'lifecycle',
    priority: 'P3',
    severity: 'medium',
    title: 'Task context empty',
    description: 'The agent received an empty task context (no task description, docs or acceptance criteria).',
    suggestedAction: 'Check the task files (task.md, acceptance criteria) were generated and mounted for this task.',
    patterns: [
      p(
        'l4-task-context-empty',
        'task[ _-]?context.*?(empty|missing|not found|not provided)|\\b(empty|missing|no) task[ _-]?context',
        ['empty', 'missing', 'not found', 'not provided', 'no task'],
      ),
      p('l4-task-description-empty', 'task (description|details) (is )?(empty|missing)|\\bempty (task )?context\\b', [
        'empty',
        'missing',
      ]),
    ],
  },
  {
    code: 'R2',
    category: 'runtime',
    priority: 'P2',
    severity: 'high',
    title: 'Infrastructure failure',
    description: 'A dependency could not be reached: timeout, connection refused or reset, DNS failure, 502/503/504.',
    suggestedAction:
      'Check the dependency named in the line (database, API, proxy) and the network path from the agent pod.',
    patterns: [
      p('r2-timed-out', '\\btimed out\\b|\\betimedout\\b|deadline exceeded|i/o timeout', [
        'timed out',
        'etimedout',
        'deadline exceeded',
        'i/o timeout',
      ]),
      // The skill lists plain `timeout` as a high runtime failure; config dumps, flags and INFO lines
      // quoting it are vetoed by the suppression rules.
      p('r2-timeout', '\\btimeout(error|exception)?s?\\b', ['timeout']),
      p('r2-connection-refused', 'connection refused|\\beconnrefused\\b', ['refused']),
      p('r2-connect-failed', '\\bconnection (failed|lost)\\b|\\b(failed to|could not|unable to|cannot) connect\\b', [
        'connection failed',
        'connection lost',
        ...verbs(['connect']),
      ]),
      p('r2-connection-reset', 'connection reset|\\beconnreset\\b|broken pipe', [
        'connection reset',
        'econnreset',
        'broken pipe',
      ]),
      p('r2-unreachable', '\\behostunreach\\b|\\benetunreach\\b|(host|network) is unreachable', ['unreach']),
      p(
        'r2-dns',
        '\\benotfound\\b|no such host|getaddrinfo|temporary failure in name resolution|could not resolve host',
        ['enotfound', 'no such host', 'getaddrinfo', 'name resolution', 'resolve host'],
      ),
      p('r2-http-5xx', '\\b(502 bad gateway|503 service unavailable|504 gateway time-?out)\\b', [
        'bad gateway',
        'service unavailable',
        'gateway time',
      ]),
    ],
  },
  {
    // Last: a line reaches G1 only when no specific code claims it.
    code: GENERIC_ERROR_CODE,
    category: 'generic',
    priority: 'P3',
    severity: 'low',
    title: 'Generic error line',
    description:
      'A line logged at error level (klog E, level=error|fatal, [ERROR], ERROR:) that matches no specific failure.',
    suggestedAction:
      'Read the line and its neighbours; it opens an incident only when the same error repeats past HEALER_GENERIC_ERROR_INCIDENT_RATE.',
    patterns: [
      // klog: E<MMDD> <hh:mm:ss>, optionally behind the "F " of Fluent Bit.
      p(
        'g1-klog-error',
        '^(F\\s+)?E(0[1-9]|1[0-2])[0-3]\\d\\s+\\d\\d:\\d\\d:\\d\\d',
        ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((month) => `e${month}`),
      ),
      // logfmt and JSON levels: level=error, level="fatal", "level":"error", "severity": "critical".
      p(
        'g1-structured-level',
        `\\blevel=("?)${SEVERE}\\b|"(level|severity)": ?"${SEVERE}"`,
        ['level=', 'level="', '"level":"', '"level": "', '"severity":"', '"severity": "'].flatMap((key) =>
          SEVERE_WORDS.map((word) => key + word),
        ),
      ),
      p(
        'g1-bracket-level',
        `\\[${SEVERE}\\]`,
        SEVERE_WORDS.map((word) => `[${word}`),
      ),
      // "ERROR: …", "fatal: …", rustc's "error[E0382]: …" at the start of a line.
      p('g1-level-prefix', '^\\W{0,3}(error|fatal|panic|critical)(\\[\\w+\\])?:', [
        'error',
        'fatal',
        'panic',
        'critical',
      ]),
      // A level column after a timestamp: "2026-11-22T04:01:02Z ERROR …", "2026-11-22 04:03:11,201 ERROR …".
      p('g1-level-column', '^\\W{0,3}\\d[\\d:.,/TZ+-]*(\\s+[\\d:.,/TZ+-]+)?\\s+\\[?(error|fatal|critical)\\]?[\\s:]', [
        'error',
        'fatal',
        'critical',
      ]),
    ],
  },
];

/** Codes raised from cluster state by the scanner (no log patterns): same metadata as the catalog. */
export const STATE_CATALOG: readonly Omit<CatalogEntry, 'patterns' | 'category'>[] = [
  {
    code: 'A7',
    priority: 'P2',
    severity: 'critical',
    title: 'Pod failed or crash-looping',
    description:
      'An agent pod failed, is in CrashLoopBackOff / image pull back-off, was OOMKilled or restarted repeatedly.',
    suggestedAction:
      'Read the previous container logs (kubectl logs --previous) and the pod events; fix the cause before restarting.',
  },
  {
    code: 'A8',
    priority: 'P2',
    severity: 'high',
    title: 'Agent step ran past its timeout',
    description:
      "An agent pod has been running longer than its agent's timeout (Rex/Blaze 45 min, Cleo 15, Tess 30, Cipher 15, Atlas 20, others 60).",
    suggestedAction:
      'Check whether the agent is stuck (waiting on a tool, a prompt, CI); cancel and re-run the step if it is.',
  },
  {
    code: 'A9',
    priority: 'P2',
    severity: 'high',
    title: 'CodeRun stuck in a non-terminal state',
    description: 'A CodeRun is still non-terminal more than 10 minutes after its creation.',
    suggestedAction:
      'Check the controller logs and the CodeRun status conditions; the job may never have been scheduled.',
  },
];

/** Lines matching a suppression rule are not detections even when a pattern matches. */
export const SUPPRESSIONS: readonly SuppressionRule[] = [
  {
    id: 'low-level-log',
    description: 'INFO/DEBUG/TRACE lines quote error strings (config, retry policies, docs); they are not failures.',
    regex:
      '^\\W{0,3}(\\S+\\s+){0,3}\\[?(INFO|DEBUG|TRACE)\\]?[\\s:\\]]|^\\W{0,3}(\\S+\\s+)?(\\[(info|debug|trace)\\]|(info|debug|trace):)|\\blevel\\s*[=:]\\s*"?(info|debug|trace|INFO|DEBUG|TRACE)\\b|"level"\\s*:\\s*"(info|debug|trace|INFO|DEBUG|TRACE)"|\\b[IDT]\\d{4} \\d\\d:\\d\\d',
    caseSensitive: true,
  },
  {
    id: 'zero-count',
    description: 'Counters that report nothing went wrong ("0 errors", "no fatal errors", "0 failed").',
    // The count must close its clause: "request 0 failed: connection refused" is a failure, not a count.
    regex:
      '\\b(0|no|zero) (fatal errors?|errors?|failures?|failed|timeouts?|panics?|retries|auth(entication)? failures?)(\\s*([,;.)\\]]|$)|\\s+(detected|found|reported|so far|in the last))',
  },
  {
    id: 'cli-flag-or-help',
    description: 'Help text and flag listings (--timeout, --max-retries …).',
    regex: '^\\s*(-\\w,\\s*)?--[a-z][\\w-]*',
  },
  {
    id: 'test-passed',
    description: 'Test result lines that passed (test names often contain error words).',
    regex: '\\.\\.\\.\\s*ok\\s*$|^\\s*(✓|✔|PASS)\\s|\\bpassed\\s*$',
  },
  {
    id: 'search-command',
    description: 'Commands searching for an error string (grep/rg), not emitting it.',
    regex: '(^|[\\s$>+])(grep|rg|ag|zgrep)\\s+(-\\S+\\s+)*["\']',
  },
  {
    id: 'source-listing',
    description: 'Source code quoted by grep -n or a compiler snippet (src/auth.rs:12: Unauthorized,).',
    regex: '^\\s*[\\w./-]+\\.(rs|go|ts|tsx|js|py|java|rb|md|toml|ya?ml|json):\\d+:(\\d+:)?\\s|^\\s*\\d+\\s+\\|\\s',
  },
  {
    id: 'success-report',
    description:
      'Lines reporting success that name an error in passing ("Successfully created PR: Retry on ECONNRESET").',
    regex: '^\\W{0,3}(\\S+\\s+){0,2}successfully\\b',
  },
  {
    id: 'recovered',
    description: 'Lines reporting that an operation succeeded after a transient failure.',
    regex: '\\b(succeeded|recovered|reconnected|resolved|connected|ok) after\\b',
  },
  {
    id: 'retry-notice',
    description: 'Transient infrastructure errors being retried; exhaustion is R3.',
    regex: '\\bretrying\\b|\\bwill retry\\b|\\bretry(ing)? in \\d|\\bbacking off\\b|\\battempt \\d+\\s*(/|of)\\s*\\d+',
    codes: ['R2', GENERIC_ERROR_CODE],
    unless: 'giving up|gave up|exhausted|max(imum)? retries|final attempt|last attempt',
  },
  {
    id: 'stack-frame',
    description: 'Stack frames ("at fn (node:net:1555:16)", "at a.B.c(B.java:12)") continue the error line above.',
    regex:
      '(^|\\s)at [\\w$.<> \\[\\]]*\\((node:|file:|/)\\S*:\\d+:\\d+\\)\\s*$|(^|\\s)at (node:|file:|/)\\S*:\\d+:\\d+\\s*$|(^|\\s)at [\\w$.]+\\([\\w$]+\\.(java|kt|scala):\\d+\\)\\s*$',
  },
  {
    id: 'compiler-warning',
    description: 'Compiler and linter warnings ("warning: unused variable: `timeout`") do not stop anything.',
    regex: '^\\s*warning(\\[\\w+\\])?: ',
    caseSensitive: true,
  },
  {
    id: 'commit-comment-heading',
    description: 'Commit subjects, comments and headings that name an error ("docs: explain what happens on timeout").',
    regex:
      '^\\s*(feat|fix|docs|chore|refactor|test|perf|ci|build|style|revert)(\\([\\w./-]+\\))?!?: |^\\s*(#{1,6}|//)\\s',
    caseSensitive: true,
  },
  {
    id: 'todo-comment',
    description: 'TODO/FIXME notes about error handling are plans, not failures.',
    regex: '\\b(TODO|FIXME)\\b',
    caseSensitive: true,
  },
  {
    id: 'diff-line',
    description: 'Added and removed lines of a diff (a patch that handles "connection refused" is not one).',
    regex: '^[+-]([^+-]|$)|^@@ ',
  },
  {
    id: 'test-assertion',
    description: 'Test code quoting error text (assert!(…"panicked at"…), expect(…).toContain("timeout")).',
    regex: '\\bassert\\w*!?\\s*\\(|\\bexpect\\s*\\(|\\.to(Be|Equal|Contain|Match|Throw|Have)\\w*\\(',
  },
  {
    id: 'argocd-trigger-not-configured',
    description: 'Argo CD notifications for a trigger nobody configured: the sync itself works.',
    regex: "trigger '[^']+' is not configured",
    codes: [GENERIC_ERROR_CODE],
  },
  {
    id: 'kilo-link-not-found',
    description: 'Kilo mesh errors while a WireGuard interface comes up; Kilo retries them itself.',
    regex: '"component"\\s*:\\s*"kilo".*link not found|link not found.*"component"\\s*:\\s*"kilo"',
    codes: [GENERIC_ERROR_CODE],
  },
  {
    id: 'timeout-config',
    description: 'Timeout settings in config dumps (timeout=30s, "timeout": 30, read_timeout: 10).',
    regex: '[\\w.-]*timeout[\\w.-]*["\']?\\s*[=:]\\s*["\']?\\d',
    codes: ['R2'],
    unless: 'timed out|exceeded|refused|expired',
  },
];

export function catalogEntry(code: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.code === code);
}

/** Metadata (title, severity, suggested action …) of any code, log-based or state-based. */
export function codeInfo(code: string): Omit<CatalogEntry, 'patterns' | 'category'> | undefined {
  return catalogEntry(code) ?? STATE_CATALOG.find((e) => e.code === code) ?? CI_CATALOG.find((e) => e.code === code);
}

/** Every pattern of the catalog, flattened, in evaluation order. */
export function allPatterns(): Array<PatternSpec & { code: string }> {
  return CATALOG.flatMap((e) => e.patterns.map((pat) => ({ ...pat, code: e.code })));
}
