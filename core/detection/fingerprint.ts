// Stable fingerprints: the same failure repeated 10,000 times (different timestamps, request ids, pod
// suffixes, temp dirs) yields one fingerprint, hence one incident. Pure JS hash: core/ runs in workflows.

export interface FingerprintInput {
  code: string;
  agent?: string;
  taskId?: string;
  line: string;
}

// Order matters: whole tokens (uuids, timestamps, paths) before the digits inside them.
const NORMALISERS: Array<[RegExp, string]> = [
  [/\b\d{4}-\d\d-\d\d[t ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:z|[+-]\d\d:?\d\d)?/g, '<ts>'],
  [/\b\d\d:\d\d:\d\d(?:[.,]\d+)?/g, '<ts>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>'],
  [/(?:\/private)?\/(?:tmp|var\/tmp|var\/folders|run\/user\/\d+)\/[^\s'"`:,;)]*/g, '<tmp>'],
  [/\b0x[0-9a-f]+\b/g, '<hex>'],
  // Hex ids (commit shas, request ids): at least 7 hex chars with at least one digit and one letter.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/g, '<hex>'],
  // Kubernetes generated name suffixes: rex-7d9f8b6c4-x2k9p → rex-<id>-<id>.
  [/-(?=[a-z0-9]*\d)[a-z0-9]{5}\b/g, '-<id>'],
  [/\d+/g, '<n>'],
  [/\s+/g, ' '],
];

/** The line with its volatile parts replaced by placeholders, lower-cased and trimmed. */
export function normaliseLine(line: string): string {
  let out = line.toLowerCase();
  for (const [pattern, replacement] of NORMALISERS) out = out.replace(pattern, replacement);
  return out.trim();
}

/** 64-bit hash (two 32-bit lanes, cyrb53 style) as 16 lower-case hex chars. */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** Fingerprint of a detection: 16 hex chars, safe inside a workflow id. */
export function fingerprint(input: FingerprintInput): string {
  const agent = (input.agent ?? '').toLowerCase();
  const task = input.taskId ?? '';
  return hash64(`${input.code}\u0000${agent}\u0000${task}\u0000${normaliseLine(input.line)}`);
}
