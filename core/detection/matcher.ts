// Scans lines against the whole catalog in one pass. A single case-insensitive regex made of every
// pattern's literals rejects the ~99% of lines that cannot match before any pattern regex runs.
import type { Detection, DetectionSource } from '../types';
import { redact } from '../redact';
import { CATALOG, SUPPRESSIONS, type CatalogEntry, type PatternSpec, type SuppressionRule } from './catalog';
import { fingerprint } from './fingerprint';

/** Detection lines are truncated to this many characters (after redaction). */
export const MAX_DETECTION_LINE = 2000;
/** Patterns look at most this many characters of a line (bounds regex work on pathological lines). */
const MAX_MATCH_INPUT = 8192;

export interface LineContext {
  source: DetectionSource;
  /** ISO-8601; the caller supplies the clock (core/ has none). */
  observedAt: string;
  agent?: string;
  taskId?: string;
  pod?: string;
  lineNumber?: number;
}

/** How one line was classified: the first matching pattern, and the rule that suppressed it if any. */
export interface LineMatch {
  entry: CatalogEntry;
  pattern: PatternSpec;
  suppressedBy?: string;
}

interface CompiledPattern {
  entryIndex: number;
  spec: PatternSpec;
  regex: RegExp;
}
interface CompiledSuppression {
  rule: SuppressionRule;
  regex: RegExp;
  unless?: RegExp;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex source matching any of `words`, shaped as a trie so the engine branches on one char at a time. */
export function trieRegexSource(words: readonly string[]): string {
  const rest = words.filter((w) => w.length > 0);
  if (rest.length === 0) return '';
  const groups = new Map<string, string[]>();
  for (const w of rest) groups.set(w[0], [...(groups.get(w[0]) ?? []), w.slice(1)]);
  const alternatives = [...groups].map(([ch, tails]) => escapeRegex(ch) + trieRegexSource(tails));
  const body = alternatives.length === 1 ? alternatives[0] : `(?:${alternatives.join('|')})`;
  // A word that ends here while longer ones continue: the continuation is optional (greedy: longest wins).
  return rest.length < words.length ? `(?:${body})?` : body;
}

export class Matcher {
  private readonly entries: readonly CatalogEntry[];
  /** Every pattern in evaluation order. */
  private readonly patterns: CompiledPattern[];
  /** Literal → indices (into `patterns`) of the patterns it may unlock. */
  private readonly patternsByLiteral = new Map<string, number[]>();
  /** Literal → every literal contained in it (a hit on "i/o timeout" is also a hit on "timeout"). */
  private readonly impliedLiterals = new Map<string, string[]>();
  private readonly globalSuppressions: CompiledSuppression[];
  private readonly codeSuppressions: CompiledSuppression[][];
  /** Any literal, over lower-cased text; the `i` twin serves text whose lower-casing changes its length. */
  private readonly prefilterLower: RegExp;
  private readonly prefilterFolded: RegExp;

  constructor(catalog: readonly CatalogEntry[] = CATALOG, suppressions: readonly SuppressionRule[] = SUPPRESSIONS) {
    this.entries = catalog;
    this.patterns = catalog.flatMap((entry, entryIndex) => entry.patterns.map((spec) => ({ entryIndex, spec, regex: new RegExp(spec.regex, 'i') })));
    this.patterns.forEach((p, index) => {
      for (const literal of p.spec.literals.map((l) => l.toLowerCase())) {
        const list = this.patternsByLiteral.get(literal) ?? [];
        if (!list.includes(index)) list.push(index);
        this.patternsByLiteral.set(literal, list);
      }
    });
    const literals = [...this.patternsByLiteral.keys()];
    for (const literal of literals) this.impliedLiterals.set(literal, literals.filter((other) => literal.includes(other)));
    const compiled = suppressions.map((rule) => ({
      rule,
      regex: new RegExp(rule.regex, rule.caseSensitive ? '' : 'i'),
      unless: rule.unless ? new RegExp(rule.unless, 'i') : undefined,
    }));
    this.globalSuppressions = compiled.filter((s) => !s.rule.codes);
    this.codeSuppressions = catalog.map((entry) => compiled.filter((s) => s.rule.codes?.includes(entry.code)));
    const source = trieRegexSource(literals);
    this.prefilterLower = new RegExp(source, 'g');
    this.prefilterFolded = new RegExp(source, 'gi');
  }

  /** Classify a line: undefined when no pattern matches; `suppressedBy` set when a rule vetoed it. */
  classify(rawLine: string): LineMatch | undefined {
    const line = rawLine.length > MAX_MATCH_INPUT ? rawLine.slice(0, MAX_MATCH_INPUT) : rawLine;
    const candidates = this.candidatePatterns(line.toLowerCase());
    if (!candidates) return undefined;
    let firstSuppressed: LineMatch | undefined;
    let skipEntry = -1;
    for (const index of candidates) {
      const { entryIndex, spec, regex } = this.patterns[index];
      if (entryIndex === skipEntry || !regex.test(line)) continue;
      const entry = this.entries[entryIndex];
      const global = this.suppressedBy(this.globalSuppressions, line);
      if (global) return { entry, pattern: spec, suppressedBy: global };
      const specific = this.suppressedBy(this.codeSuppressions[entryIndex], line);
      if (!specific) return { entry, pattern: spec };
      // A code-specific veto: a later (more generic) code may still apply.
      firstSuppressed ??= { entry, pattern: spec, suppressedBy: specific };
      skipEntry = entryIndex;
    }
    return firstSuppressed;
  }

  /** Indices of the patterns whose literals occur in the (lower-cased) line, in evaluation order. */
  private candidatePatterns(lower: string): number[] | undefined {
    const re = this.prefilterLower;
    re.lastIndex = 0;
    let found: Set<number> | undefined;
    let hit: RegExpExecArray | null;
    while ((hit = re.exec(lower)) !== null) {
      found ??= new Set();
      for (const literal of this.impliedLiterals.get(hit[0])!) for (const i of this.patternsByLiteral.get(literal)!) found.add(i);
      re.lastIndex = hit.index + 1; // overlapping literals start later
    }
    return found && [...found].sort((a, b) => a - b);
  }

  /** The detection for one line, or undefined. */
  matchLine(line: string, ctx: LineContext): Detection | undefined {
    const match = this.classify(line);
    if (!match || match.suppressedBy) return undefined;
    return this.toDetection(match, line, ctx);
  }

  /** Detections for many lines sharing a context; line numbers count from `ctx.lineNumber` (default 1). */
  matchLines(lines: readonly string[], ctx: LineContext): Detection[] {
    const first = ctx.lineNumber ?? 1;
    const out: Detection[] = [];
    lines.forEach((line, i) => {
      const d = this.matchLine(line, { ...ctx, lineNumber: first + i });
      if (d) out.push(d);
    });
    return out;
  }

  /**
   * Scan a whole text buffer (file contents). Only lines around prefilter hits are split out, so the
   * cost on clean lines is one regex pass over the text. `onMatch` also sees suppressed matches.
   */
  scanText(text: string, ctx: LineContext, onMatch?: (m: LineMatch, line: string, lineNumber: number) => void): Detection[] {
    const out: Detection[] = [];
    // Lower-casing once and matching case-sensitively is faster than a case-insensitive regex; offsets
    // stay valid only if lower-casing kept the length (it does for all but a few non-ASCII letters).
    const lower = text.toLowerCase();
    const haystack = lower.length === text.length ? lower : text;
    const re = haystack === lower ? this.prefilterLower : this.prefilterFolded;
    re.lastIndex = 0;
    let lineNumber = ctx.lineNumber ?? 1;
    let counted = 0; // newlines counted up to this offset
    let hit: RegExpExecArray | null;
    while ((hit = re.exec(haystack)) !== null) {
      const start = text.lastIndexOf('\n', hit.index) + 1;
      let end = text.indexOf('\n', hit.index);
      if (end < 0) end = text.length;
      for (let i = text.indexOf('\n', counted); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) lineNumber++;
      counted = start;
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      const match = this.classify(line);
      if (match) {
        onMatch?.(match, line, lineNumber);
        if (!match.suppressedBy) out.push(this.toDetection(match, line, { ...ctx, lineNumber }));
      }
      re.lastIndex = end + 1;
    }
    return out;
  }

  private suppressedBy(rules: CompiledSuppression[], line: string): string | undefined {
    for (const s of rules) {
      if (s.regex.test(line) && !(s.unless && s.unless.test(line))) return s.rule.id;
    }
    return undefined;
  }

  private toDetection(match: LineMatch, line: string, ctx: LineContext): Detection {
    const redacted = redact(line.trim());
    const shown = redacted.length > MAX_DETECTION_LINE ? `${redacted.slice(0, MAX_DETECTION_LINE - 1)}…` : redacted;
    const detection: Detection = {
      code: match.entry.code,
      severity: match.entry.severity,
      priority: match.entry.priority,
      patternId: match.pattern.id,
      fingerprint: fingerprint({ code: match.entry.code, agent: ctx.agent, taskId: ctx.taskId, line: redacted }),
      line: shown,
      source: ctx.source,
      observedAt: ctx.observedAt,
    };
    if (ctx.agent) detection.agent = ctx.agent;
    if (ctx.taskId) detection.taskId = ctx.taskId;
    if (ctx.pod) detection.pod = ctx.pod;
    if (ctx.lineNumber !== undefined) detection.lineNumber = ctx.lineNumber;
    return detection;
  }
}

let defaultMatcher: Matcher | undefined;
/** The matcher over the built-in catalog (compiled once). */
export function getMatcher(): Matcher {
  return (defaultMatcher ??= new Matcher());
}

export function matchLine(line: string, ctx: LineContext): Detection | undefined {
  return getMatcher().matchLine(line, ctx);
}

export function matchLines(lines: readonly string[], ctx: LineContext): Detection[] {
  return getMatcher().matchLines(lines, ctx);
}
