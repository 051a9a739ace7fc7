// The detection catalog as data: every log-detectable code, its patterns and the false-positive
// suppression rules. Codes are stable identifiers; patterns may improve.
//
// Pattern regexes are case-insensitive and use only the portable regex subset (no look-around, no
// back-references) so the same text runs in V8 and in ripgrep (the benchmark compares the two).
// Each pattern lists `literals`: lower-case strings of which at least one must occur in a line for the
// regex to possibly match. They feed the matcher's cheap prefilter.
import type { Priority, Severity } from '../contract';

export interface PatternSpec {
  id: string;
  regex: string;
  literals: string[];
}

export type Category = 'preflight' | 'runtime' | 'lifecycle';

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
/** Literals for "(failed to|could not|unable to|cannot) <verb>". */
const verbs = (list: string[]): string[] =>
  ['failed to', 'could not', 'unable to', 'cannot'].flatMap((f) => list.map((v) => `${f} ${v}`));

/**
 * Entries in evaluation order: the first entry with a matching pattern wins, so more specific codes come
 * before generic ones (R3 "max retries exceeded … connection refused" is R3, not R2; R2 is last).
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
        'mcp[^\\n]*(failed to (initiali[sz]e|start|connect|launch|spawn)|initiali[sz]ation failed|connection closed unexpectedly|not responding|exited with (code|status)|crashed)',
        ['mcp'],
      ),
      p(
        'a12-failed-to-start-mcp',
        '(failed to (initiali[sz]e|start|connect to|launch|spawn)|could not start|unable to start) [^\\n]{0,30}mcp',
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
      p('l1-template-not-found', 'template[^\\n]{0,80}not found|templatenotfound|no such template|missing template', [
        'not found',
        'templatenotfound',
        'no such template',
        'missing template',
      ]),
      p(
        'l1-template-load-failed',
        '(failed to|could not|unable to|cannot) (load|render|find|read|parse) [^\\n]{0,40}template',
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
      p(
        'l2-prompt-missing',
        '\\bprompt( file)?[^\\n]{0,60}(missing|not found|is empty)|\\b(missing|no) (system |agent )?prompt\\b',
        ['missing', 'not found', 'is empty', 'no prompt', 'no system prompt', 'no agent prompt'],
      ),
      p(
        'l2-prompt-load-failed',
        '(failed to|could not|unable to|cannot) (load|read|find) [^\\n]{0,40}prompt',
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
        '\\brole\\b[^\\n]{0,40}(is undefined|not defined|is not defined|not found|unknown)|\\b(undefined|unknown) (agent )?role\\b',
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
        'task[ _-]context[^\\n]{0,40}(empty|missing|not found|not provided)|\\b(empty|missing|no) task[ _-]context',
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
      p(
        'r2-timeout',
        '\\btimeout (exceeded|expired|error|reached|elapsed|after|while|waiting)|\\b(request|connection|connect|read|write|gateway|socket|handshake|idle) timeout\\b',
        [
          'timeout exceeded',
          'timeout expired',
          'timeout error',
          'timeout reached',
          'timeout elapsed',
          'timeout after',
          'timeout while',
          'timeout waiting',
          'request timeout',
          'connection timeout',
          'connect timeout',
          'read timeout',
          'write timeout',
          'gateway timeout',
          'socket timeout',
          'handshake timeout',
          'idle timeout',
        ],
      ),
      p('r2-connection-refused', 'connection refused|\\beconnrefused\\b', ['refused']),
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
    codes: ['R2'],
    unless: 'giving up|gave up|exhausted|max(imum)? retries|final attempt|last attempt',
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
  return catalogEntry(code) ?? STATE_CATALOG.find((e) => e.code === code);
}

/** Every pattern of the catalog, flattened, in evaluation order. */
export function allPatterns(): Array<PatternSpec & { code: string }> {
  return CATALOG.flatMap((e) => e.patterns.map((pat) => ({ ...pat, code: e.code })));
}
