// Scans lines against the whole catalog in one pass. The patterns' literals reject the ~99% of lines
// that cannot match before any pattern regex runs: one Aho-Corasick automaton of every literal, over
// whole files in a WebAssembly byte loop (which lines hold a literal?) and over one line in JavaScript
// (which literals, so which patterns to try?).
import type { Detection, DetectionSource } from '../contract';
import { redact } from './redact';
import { CATALOG, SUPPRESSIONS, type CatalogEntry, type PatternSpec, type SuppressionRule } from './catalog';
import { fingerprint } from './fingerprint';
import { LiteralAutomaton } from './literal-automaton';

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

export type OnLineMatch = (m: LineMatch, line: string, lineNumber: number) => void;

const CARRIAGE_RETURN = 13;

export class Matcher {
  private readonly entries: readonly CatalogEntry[];
  /** Every pattern in evaluation order. */
  private readonly patterns: CompiledPattern[];
  /** Automaton word index → indices (into `patterns`) of the patterns that literal may unlock. */
  private readonly patternsByWord: number[][];
  private readonly globalSuppressions: CompiledSuppression[];
  private readonly codeSuppressions: CompiledSuppression[][];
  private readonly automaton: LiteralAutomaton;
  /** Scratch for candidatePatterns: the patterns the current line unlocks, as flags and as a list. */
  private readonly unlocked: Uint8Array;
  private unlockedList: number[] = [];
  private readonly utf8 = new TextDecoder('utf-8');

  constructor(catalog: readonly CatalogEntry[] = CATALOG, suppressions: readonly SuppressionRule[] = SUPPRESSIONS) {
    this.entries = catalog;
    this.patterns = catalog.flatMap((entry, entryIndex) =>
      entry.patterns.map((spec) => ({ entryIndex, spec, regex: new RegExp(spec.regex, 'i') })),
    );
    this.automaton = new LiteralAutomaton(this.patterns.flatMap((p) => p.spec.literals));
    this.patternsByWord = this.automaton.words.map((word) =>
      this.patterns.flatMap((p, index) => (p.spec.literals.some((l) => l.toLowerCase() === word) ? [index] : [])),
    );
    this.unlocked = new Uint8Array(this.patterns.length);
    const compiled = suppressions.map((rule) => ({
      rule,
      regex: new RegExp(rule.regex, rule.caseSensitive ? '' : 'i'),
      unless: rule.unless ? new RegExp(rule.unless, 'i') : undefined,
    }));
    this.globalSuppressions = compiled.filter((s) => !s.rule.codes);
    this.codeSuppressions = catalog.map((entry) => compiled.filter((s) => s.rule.codes?.includes(entry.code)));
  }

  /** Classify a line: undefined when no pattern matches; `suppressedBy` set when a rule vetoed it. */
  classify(rawLine: string): LineMatch | undefined {
    const line = rawLine.length > MAX_MATCH_INPUT ? rawLine.slice(0, MAX_MATCH_INPUT) : rawLine;
    const candidates = this.candidatePatterns(line);
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

  /** Indices of the patterns whose literals occur in the line, in evaluation order. */
  private candidatePatterns(line: string): number[] | undefined {
    this.automaton.forEachLiteral(line, this.unlock);
    const candidates = this.unlockedList;
    if (candidates.length === 0) return undefined;
    this.unlockedList = [];
    for (const pattern of candidates) this.unlocked[pattern] = 0;
    return candidates.length > 1 ? candidates.sort((a, b) => a - b) : candidates;
  }

  private readonly unlock = (word: number): void => {
    for (const pattern of this.patternsByWord[word]) {
      if (this.unlocked[pattern] === 1) continue;
      this.unlocked[pattern] = 1;
      this.unlockedList.push(pattern);
    }
  };

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

  /** Scan a whole text (file contents); see `scanBytes`. */
  scanText(text: string, ctx: LineContext, onMatch?: OnLineMatch): Detection[] {
    return this.scanBytes(new TextEncoder().encode(text), ctx, onMatch).detections;
  }

  /**
   * Scan UTF-8 bytes holding whole lines. Only lines where the literal automaton stops are decoded
   * and classified, so a clean line costs one table lookup per byte. `onMatch` also sees suppressed
   * matches. Line numbers count from `ctx.lineNumber` (default 1); `lines` is how many lines the
   * bytes hold (a last line without a newline counts).
   */
  scanBytes(bytes: Uint8Array, ctx: LineContext, onMatch?: OnLineMatch): { detections: Detection[]; lines: number } {
    const detections: Detection[] = [];
    const firstLine = ctx.lineNumber ?? 1;
    const lines = this.automaton.forEachLineWithLiteral(bytes, (start, end, lineIndex) => {
      const line = this.utf8.decode(bytes.subarray(start, bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end));
      const match = this.classify(line);
      if (!match) return;
      const lineNumber = firstLine + lineIndex;
      onMatch?.(match, line, lineNumber);
      if (!match.suppressedBy) detections.push(this.toDetection(match, line, { ...ctx, lineNumber }));
    });
    return { detections, lines };
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
