// Detection: the catalog (data), the matcher (one pass per line) and fingerprints.
export { CATALOG, STATE_CATALOG, SUPPRESSIONS, catalogEntry, codeInfo, allPatterns } from './catalog';
export type { CatalogEntry, PatternSpec, SuppressionRule, Category } from './catalog';
export { Matcher, getMatcher, matchLine, matchLines, trieRegexSource, MAX_DETECTION_LINE } from './matcher';
export type { LineContext, LineMatch, OnLineMatch } from './matcher';
export { fingerprint, normaliseLine, hash64 } from './fingerprint';
export { foldRepeat } from './fold';
export type { FingerprintInput } from './fingerprint';
export { parseToolInventory } from './inventory';
export type { ToolInventoryLine } from './inventory';
