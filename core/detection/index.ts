// Detection: the catalog (data), the matcher (one pass per line) and fingerprints.
export {
  CATALOG,
  STATE_CATALOG,
  SUPPRESSIONS,
  GENERIC_ERROR_CODE,
  catalogEntry,
  codeInfo,
  allPatterns,
} from './catalog';
export type { CatalogEntry, PatternSpec, SuppressionRule, Category } from './catalog';
export { Matcher, getMatcher, matchLine, matchLines, MAX_DETECTION_LINE } from './matcher';
export type { LineContext, LineMatch, OnLineMatch } from './matcher';
export { fingerprint, normaliseLine, hash64 } from './fingerprint';
export { foldRepeat } from './fold';
export { foldByFingerprint, splitBySize } from './signal-batches';
export type { FingerprintInput } from './fingerprint';
export { parseToolInventory } from './inventory';
export type { ToolInventoryLine } from './inventory';
