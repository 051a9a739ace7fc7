// Classifies a failed GitHub Actions job from its log: the decisive line, its CI code (C1–C6), and a
// signature that stays the same when the same failure happens again on the next push.
import type { Priority, Severity } from '../contract';
import { getMatcher, Matcher } from '../detection/matcher';
import type { SuppressionRule } from '../detection/catalog';
import { CI_CATALOG, ciPatternRank } from './signatures';
import { echoedStepLines, exitCodeOf, failedSection, isErrorMarker } from './job-log';

export interface CiClassification {
  code: string;
  severity: Severity;
  priority: Priority;
  /** The CI pattern, the catalog pattern, or `ci-exit-code` when only the exit code is known. */
  patternId: string;
  /** Index (0-based) of the decisive line in the log lines, and the line itself. */
  lineIndex: number;
  line: string;
  /** The stable part of the failure, e.g. `C1:e0308`, `C2:tests::parses_config`, `C5:exit-137`. */
  signature: string;
  /** The catalog code (R1, R5 …) when the job log matched the agent-log catalog rather than a CI signature. */
  catalogCode?: string;
}

/** Lines that quote errors without being one: warnings, passing tests, zero counts. */
const CI_SUPPRESSIONS: readonly SuppressionRule[] = [
  {
    id: 'ci-warning',
    description: 'Warnings (compiler, npm, GitHub annotations) are not the failure.',
    regex: '^##\\[warning\\]|^\\s*warning(\\[\\w+\\])?:|^\\s*npm warn\\b|^\\s*warn\\b',
  },
  {
    id: 'ci-zero-count',
    description: 'Counters that report nothing went wrong ("0 failed", "0 errors").',
    regex: '\\b(0|no|zero) (errors?|failures?|failed|failing|problems?)(\\s*([,;.)\\]]|$))',
  },
  {
    id: 'ci-test-passed',
    description: 'Test lines that passed (their names often contain error words).',
    regex: '\\.\\.\\.\\s*ok\\s*$|^\\s*(✓|✔|pass)\\s|\\bpassed\\s*$',
  },
];

let ciMatcher: Matcher | undefined;
const matcher = (): Matcher => (ciMatcher ??= new Matcher(CI_CATALOG, CI_SUPPRESSIONS));

const entryOf = (code: string) => CI_CATALOG.find((entry) => entry.code === code)!;

/** How the agent-log catalog's codes read in CI: auth → C6, infrastructure → C5, a crash → test or build. */
function ciCodeForCatalog(catalogCode: string, testStep: boolean): string {
  if (catalogCode === 'R5') return 'C6';
  if (['R2', 'R3', 'R4'].includes(catalogCode)) return 'C5';
  if (catalogCode === 'R1') return testStep ? 'C2' : 'C1';
  return 'C5';
}

/** What a step's name says it does, when the log says nothing more specific than an exit code. */
export function ciCodeForStep(stepOrJob: string): string {
  const name = stepOrJob.toLowerCase();
  if (/lint|fmt|format|clippy|eslint|prettier|style|ruff|black/.test(name)) return 'C3';
  if (/test|spec|jest|pytest|vitest|e2e|check/.test(name)) return 'C2';
  if (/install|dependenc|deps|restore|lock|setup/.test(name)) return 'C4';
  if (/audit|secret|security|codeql|scan/.test(name)) return 'C6';
  return 'C1';
}

// The part of a matched line that names the failure: an error code, a test, a linter rule.
const KEY_EXTRACTORS: Array<[RegExp, number]> = [
  [/error\[(e\d{4})\]/i, 1],
  [/error (ts\d{3,5})/i, 1],
  [/^test ([\w:]+) \.\.\. failed/i, 1],
  [/^failed ([\w./-]+::[\w[\]./-]+)/i, 1],
  [/--- fail: ([\w/]+)/i, 1],
  [/^\s*fail\s+([\w./@-]+\.(?:test|spec)\.[cm]?[jt]sx?)/i, 1],
  [/(clippy::[a-z_]+)/i, 1],
  [/\s([@\w-]+\/[\w-]+|[a-z]+(?:-[a-z]+)+)\s*$/, 1], // eslint rule at the end of the line
  [/(exit code \d+)/i, 1],
  [/(undefined: \w+)/, 1],
  [/cannot find module '([^']+)'/i, 1],
  [/code (e[a-z0-9]+)/i, 1],
];

function failureKey(line: string, patternId: string): string {
  for (const [regex, group] of KEY_EXTRACTORS) {
    const match = regex.exec(line);
    if (match?.[group]) return match[group].toLowerCase().replace(/\s+/g, ' ').slice(0, 120);
  }
  return patternId;
}

interface Candidate {
  rank: number;
  index: number;
  code: string;
  patternId: string;
  catalogCode?: string;
}

/**
 * The decisive failure of a job log. Looks at the failed step's output first (the whole log when that
 * says nothing), prefers the most decisive signature (out of memory over the tests it broke, a compiler
 * error over the failing test run), and falls back to the agent-log catalog, then to the exit code and
 * the step's name.
 */
export function classifyJobLog(lines: readonly string[], stepName = '', jobName = ''): CiClassification {
  const echoed = echoedStepLines(lines);
  const testStep = ciCodeForStep(`${stepName} ${jobName}`) === 'C2';
  const section = failedSection(lines);
  const best =
    bestCandidate(lines, echoed, section.start, section.end, testStep) ??
    bestCandidate(lines, echoed, 0, lines.length, testStep);
  if (best) {
    const entry = entryOf(best.code);
    const line = lines[best.index].replace(/^##\[error\]/, '');
    const key = best.catalogCode ? `${best.catalogCode}:${best.patternId}` : failureKey(line, best.patternId);
    return {
      code: best.code,
      severity: entry.severity,
      priority: entry.priority,
      patternId: best.patternId,
      lineIndex: best.index,
      line,
      signature: `${best.code}:${key}`,
      ...(best.catalogCode ? { catalogCode: best.catalogCode } : {}),
    };
  }
  return byExitCode(lines, `${stepName} ${jobName}`);
}

function bestCandidate(
  lines: readonly string[],
  echoed: readonly boolean[],
  start: number,
  end: number,
  testStep: boolean,
): Candidate | undefined {
  let best: Candidate | undefined;
  let fromCatalog: Candidate | undefined;
  for (let index = start; index < end; index++) {
    if (echoed[index]) continue;
    const line = lines[index].replace(/^##\[error\]/, '');
    const ci = matcher().classify(line);
    if (ci && !ci.suppressedBy) {
      const rank = ciPatternRank(ci.pattern.id);
      if (!best || rank < best.rank) best = { rank, index, code: ci.entry.code, patternId: ci.pattern.id };
      continue;
    }
    if (fromCatalog) continue;
    const catalog = getMatcher().classify(line);
    if (catalog && !catalog.suppressedBy && catalog.entry.category !== 'generic')
      fromCatalog = {
        rank: 7,
        index,
        code: ciCodeForCatalog(catalog.entry.code, testStep),
        patternId: catalog.pattern.id,
        catalogCode: catalog.entry.code,
      };
  }
  return best ?? fromCatalog;
}

/** Nothing in the log names the failure: the exit code and what the step is for have to do. */
function byExitCode(lines: readonly string[], stepAndJob: string): CiClassification {
  const exitCode = exitCodeOf(lines);
  const code = exitCode === 137 ? 'C5' : ciCodeForStep(stepAndJob);
  const marker = lines.findIndex(isErrorMarker);
  // The last output line before the error marker usually says what went wrong.
  let index = marker > 0 ? marker - 1 : Math.max(0, lines.length - 1);
  while (index > 0 && (lines[index].trim() === '' || lines[index].startsWith('##['))) index--;
  const entry = entryOf(code);
  return {
    code,
    severity: entry.severity,
    priority: entry.priority,
    patternId: 'ci-exit-code',
    lineIndex: index,
    line: lines[index] ?? (marker >= 0 ? lines[marker] : ''),
    signature: `${code}:exit-${exitCode ?? 'unknown'}`,
  };
}
