// Which lines of the log window around a detection reach the issue and the model. Every agent of the
// session contributes; the caps (lines, bytes) keep the lines nearest the detection and every distinct
// line that itself matches the detection catalog or names a dependency the detection names (the
// tools-server, a host), wherever it sits in the window: a root cause logged by another agent minutes
// earlier is such a line. Everything kept is redacted and cut to one size.
import type { ContextWindowSettings, Detection } from '../contract';
import { getMatcher } from '../detection/matcher';
import { redact } from '../detection/redact';
import { normaliseLine } from '../detection/fingerprint';
import { dependenciesOf } from './correlation';

/** One raw line of the window, from any source. */
export interface WindowLine {
  /** ISO-8601. */
  at: string;
  line: string;
  /** `loki`, `kubernetes`, `pushed`, … */
  source: string;
  agent?: string;
  pod?: string;
}

/** A kept line: redacted, cut, and the catalog code it matches if any. */
export interface KeptLine extends WindowLine {
  code?: string;
}

export interface WindowSelection {
  /** Oldest first. */
  lines: KeptLine[];
  /** Size of the formatted lines kept. */
  bytes: number;
  /** Lines of the window not kept (duplicates across sources aside). */
  dropped: number;
}

export const DEFAULT_CONTEXT_WINDOW: ContextWindowSettings = {
  beforeSecs: 300,
  afterSecs: 60,
  maxLines: 200,
  maxBytes: 16_384,
};

/** Longest line kept in a window (characters, after redaction). */
export const MAX_WINDOW_LINE = 400;
/** Share of the caps given first to the lines nearest the detection, before catalog matches further away. */
const NEAREST_SHARE = 0.4;
/** The smallest formatted line (time, who, separator). */
const MIN_LINE_BYTES = 24;

const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

/** How a kept line reads in the issue and the prompt: time, who, text. */
export function formatWindowLine(line: KeptLine): string {
  const who = line.agent ?? line.pod ?? line.source;
  return `${line.at.slice(11, 23)} ${who}${line.code ? ` [${line.code}]` : ''} | ${line.line}`;
}

/** The window [detection − before, detection + after] as ISO times. */
export function windowBounds(detection: Detection, window: ContextWindowSettings): { from: string; to: string } {
  const at = Date.parse(detection.observedAt);
  return {
    from: new Date(at - window.beforeSecs * 1000).toISOString(),
    to: new Date(at + window.afterSecs * 1000).toISOString(),
  };
}

interface Candidate {
  line: WindowLine;
  distance: number;
  code?: string;
  /** Set for catalog matches and lines naming the detection's dependencies: one of each is kept first. */
  fingerprint?: string;
}

/** The catalog match of a raw line (suppressions applied), without its clock or labels mattering. */
function catalogMatch(line: WindowLine): { code: string; fingerprint: string } | undefined {
  const match = getMatcher().matchLine(line.line, { source: 'test', observedAt: line.at, agent: line.agent });
  return match && { code: match.code, fingerprint: match.fingerprint };
}

/** A line that names something the detection names (not the detection's own kind of line). */
function namesDependency(line: WindowLine, dependencies: ReadonlySet<string>): boolean {
  if (dependencies.size === 0) return false;
  for (const dependency of dependenciesOf('', line.line)) if (dependencies.has(dependency)) return true;
  return false;
}

/**
 * Keeps, within `maxLines` and `maxBytes`: first the lines nearest the detection (up to 40% of the caps),
 * then the first line of every distinct catalog match or line naming the detection's dependencies, by
 * distance, then the remaining nearest lines. The same text at the same second from two sources counts once.
 */
export function selectWindow(
  raw: readonly WindowLine[],
  detection: Detection,
  caps: Pick<ContextWindowSettings, 'maxLines' | 'maxBytes'>,
): WindowSelection {
  const center = Date.parse(detection.observedAt);
  const dependencies = dependenciesOf(detection.code, detection.line);
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const line of raw) {
    const key = `${line.at.slice(0, 19)}|${line.agent ?? ''}|${line.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const match = catalogMatch(line);
    const related =
      !match && namesDependency(line, dependencies) ? { fingerprint: `~${normaliseLine(line.line)}` } : {};
    candidates.push({ line, distance: Math.abs(Date.parse(line.at) - center), ...match, ...related });
  }
  const byDistance = [...candidates].sort((a, b) => a.distance - b.distance);

  const kept = new Map<Candidate, KeptLine>();
  let bytes = 0;
  const take = (candidate: Candidate, maxLines: number, maxBytes: number): boolean => {
    if (kept.has(candidate)) return true;
    // Full: no line, however short, fits any more.
    if (kept.size >= maxLines || bytes + MIN_LINE_BYTES > maxBytes) return false;
    const line: KeptLine = {
      ...candidate.line,
      line: redact(candidate.line.line).slice(0, MAX_WINDOW_LINE),
      ...(candidate.code ? { code: candidate.code } : {}),
    };
    const size = byteLength(formatWindowLine(line)) + 1;
    if (bytes + size > maxBytes) return true; // too big here; a shorter line may still fit
    kept.set(candidate, line);
    bytes += size;
    return true;
  };

  const nearLines = Math.floor(caps.maxLines * NEAREST_SHARE);
  const nearBytes = Math.floor(caps.maxBytes * NEAREST_SHARE);
  for (const candidate of byDistance) if (!take(candidate, nearLines, nearBytes)) break;
  const firstOfEach = new Set<string>();
  for (const candidate of byDistance) {
    if (!candidate.fingerprint || firstOfEach.has(candidate.fingerprint)) continue;
    firstOfEach.add(candidate.fingerprint);
    if (!take(candidate, caps.maxLines, caps.maxBytes)) break;
  }
  for (const candidate of byDistance) if (!take(candidate, caps.maxLines, caps.maxBytes)) break;

  const lines = [...kept.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { lines, bytes, dropped: candidates.length - lines.length };
}
