// Correlation: the other failures of the same session around an incident's detection (any agent), so
// "rex: connection refused to tools-server" and "cleo: MCP failed to initialize" one second apart are
// analysed together, and the rule that says when two incidents share one root cause.
import type { Detection, FingerprintView, IncidentSummary, Severity } from '../contract';
import { redact } from '../detection/redact';

/** Another failure of the session inside the window. */
export interface CorrelatedDetection {
  fingerprint: string;
  code: string;
  severity: Severity;
  line: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
  agent?: string;
  incidentId?: string;
}

/** Another incident of the session still tracking its failure, whose detection falls in the window. */
export interface CorrelatedIncident {
  id: string;
  code: string;
  severity: Severity;
  status: IncidentSummary['status'];
  /** When its detection was first seen (ISO), and by which agent. */
  at?: string;
  agent?: string;
  line?: string;
  issue?: IncidentSummary['issue'];
}

export interface Correlation {
  /** Oldest first, at most MAX_CORRELATED. */
  detections: CorrelatedDetection[];
  incidents: CorrelatedIncident[];
}

export const EMPTY_CORRELATION: Correlation = { detections: [], incidents: [] };
const MAX_CORRELATED = 20;
/** Incidents whose issue still tracks the failure: healing, or handed to humans (escalated, issue open). */
const TRACKING: ReadonlyArray<IncidentSummary['status']> = ['open', 'escalated'];
const MAX_LINE = 300;
/** Two incidents share a root cause only when their detections are at most this far apart. */
export const SHARED_CAUSE_SECS = 120;

const overlaps = (fp: FingerprintView, from: string, to: string): boolean => fp.lastSeen >= from && fp.firstSeen <= to;

/** What the session knows (its recent fingerprints and incidents), narrowed to the window and this incident's peers. */
export function correlate(
  session: { fingerprints: readonly FingerprintView[]; incidents: readonly IncidentSummary[] },
  self: { incidentId: string; fingerprint: string },
  window: { from: string; to: string },
): Correlation {
  const inWindow = session.fingerprints
    .filter((fp) => fp.fingerprint !== self.fingerprint && overlaps(fp, window.from, window.to))
    .sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0));
  const detections = inWindow.slice(0, MAX_CORRELATED).map((fp): CorrelatedDetection => ({
    fingerprint: fp.fingerprint,
    code: fp.code,
    severity: fp.severity,
    line: redact(fp.line).slice(0, MAX_LINE),
    firstSeen: fp.firstSeen,
    lastSeen: fp.lastSeen,
    count: fp.count,
    ...(fp.agent !== undefined ? { agent: fp.agent } : {}),
    ...(fp.incidentId !== undefined ? { incidentId: fp.incidentId } : {}),
  }));
  const byFingerprint = new Map(inWindow.map((fp) => [fp.fingerprint, fp]));
  const incidents = session.incidents
    .filter((i) => i.id !== self.incidentId && TRACKING.includes(i.status) && byFingerprint.has(i.fingerprint))
    .slice(0, MAX_CORRELATED)
    .map((i): CorrelatedIncident => {
      const fp = byFingerprint.get(i.fingerprint)!;
      return {
        id: i.id,
        code: i.code,
        severity: i.severity,
        status: i.status,
        at: fp.firstSeen,
        line: redact(fp.line).slice(0, MAX_LINE),
        ...(fp.agent !== undefined ? { agent: fp.agent } : {}),
        ...(i.issue ? { issue: i.issue } : {}),
      };
    });
  return { detections, incidents };
}

/** The code that means the MCP tool plane (tools-server, MCP servers) failed for the agent. */
const TOOL_PLANE_CODES = new Set(['A12']);
const TOOL_PLANE = /tools?[-_ ]?server|toolman|\bmcp\b/i;
/** `host:port` with a host that reads like one (a name starting with a letter, or an IPv4 address). */
const HOST_PORT = /(?<![\w.:/-])((?:[a-z][a-z0-9-]*)(?:\.[a-z0-9-]+)*|\d{1,3}(?:\.\d{1,3}){3}):(\d{2,5})(?![\d:])/gi;
const HOSTNAME = /\b((?:[a-z0-9-]+\.)+(?:com|io|net|org|dev|local|internal|svc|cluster\.local))\b/gi;
/** The service a connection was for: "connection refused to redis", "could not reach vault". */
const TARGET = /\b(?:connect(?:ion|ing)?(?:\s+\w+)?\s+to|(?:could not|cannot|failed to) reach)\s+([a-z][\w.-]{2,})/gi;
/** Source files look like hosts (`handler.rs:88`): their extensions rule them out. */
const FILE_EXTENSION = /\.(?:rs|ts|tsx|js|jsx|mjs|cjs|py|go|java|kt|rb|c|h|cc|cpp|cs|php|json|ya?ml|toml|md|sh|lock)$/i;
const NOT_A_SERVICE = new Set(['the', 'server', 'host', 'remote', 'tcp', 'udp', 'http', 'https', 'localhost']);

/** The dependencies a failure line names: the MCP tool plane, hosts, services it could not reach. */
export function dependenciesOf(code: string, raw: string): Set<string> {
  const line = raw.replace(/\[REDACTED[^\]]*\]/g, ''); // a redaction marker names no dependency
  const out = new Set<string>();
  const add = (name: string): void => {
    const dependency = name.toLowerCase().replace(/[.:]+$/, '');
    if (!FILE_EXTENSION.test(dependency) && !NOT_A_SERVICE.has(dependency)) out.add(dependency);
  };
  if (TOOL_PLANE_CODES.has(code) || TOOL_PLANE.test(line)) out.add('tools-server');
  for (const m of line.matchAll(HOST_PORT)) add(m[1]);
  for (const m of line.matchAll(HOSTNAME)) add(m[1]);
  for (const m of line.matchAll(TARGET)) add(m[1]);
  if (/\bgithub\b/i.test(line)) out.add('github');
  return out;
}

/**
 * The rule-based answer to "does this failure share its root cause with an open incident?": the earliest
 * incident still tracking its failure (open or escalated) detected at most SHARED_CAUSE_SECS before this one (at the same moment, the one with the
 * smaller id leads) whose line names a dependency this one names too.
 */
export function sharedRootCause(
  self: { incidentId: string; detection: Detection },
  correlation: Correlation,
): CorrelatedIncident | undefined {
  const at = Date.parse(self.detection.observedAt);
  const mine = dependenciesOf(self.detection.code, self.detection.line);
  if (mine.size === 0) return undefined;
  const leads = (other: CorrelatedIncident): boolean => {
    if (!other.at || !other.line) return false;
    const gap = at - Date.parse(other.at);
    if (gap < 0 || gap > SHARED_CAUSE_SECS * 1000) return false;
    if (gap === 0 && other.id > self.incidentId) return false;
    const theirs = dependenciesOf(other.code, other.line);
    return [...mine].some((dependency) => theirs.has(dependency));
  };
  return correlation.incidents
    .filter(leads)
    .sort((a, b) => (a.at! < b.at! ? -1 : a.at! > b.at! ? 1 : a.id < b.id ? -1 : 1))[0];
}
