// Model ids as people write them vs as providers list them. "gemini-3-0-pro", "gemini-3.0-pro" and the
// listed "gemini-3-pro-preview" are one model to a user; "claude-sonnet-4.5" is the listed
// "claude-sonnet-4-5-20250929". Pure: the wanted id and the listed ids go in, the listed id to call
// comes out (or none: then the model is reported missing, never guessed from another family).

export type ModelTier = 'stable' | 'preview' | 'experimental';
export const TIER_ORDER: readonly ModelTier[] = ['stable', 'preview', 'experimental'];

export function modelTier(id: string): ModelTier {
  if (/(^|-)exp(erimental)?(-|$)/i.test(id)) return 'experimental';
  if (/(preview|beta)/i.test(id)) return 'preview';
  return 'stable';
}

/**
 * Case, separators and a zero minor version do not matter: "Gemini-2.0-Flash", "gemini-2-0-flash" and
 * "gemini-2-flash" are one id. Dates ("-0709", "-20250929") are kept.
 */
export function canonicalModelId(id: string): string {
  return id
    .trim()
    .toLowerCase()
    .replace(/^models\//, '')
    .replace(/[._\s]+/g, '-')
    .replace(/(-\d+)-0(?=-|$)/g, '$1');
}

/** The canonical id without its release qualifiers: preview/experimental tails, "-latest", dates and build numbers. */
export function baseModelKey(id: string): string {
  let key = canonicalModelId(id).replace(/-(preview|exp|experimental|beta)(-.*)?$/, '');
  for (let previous = ''; previous !== key;) {
    previous = key;
    key = key.replace(/-(latest|\d{3,8})$/, '');
  }
  return key;
}

/** Major and minor version of the first version number in an id ("claude-sonnet-4-5…" → [4, 5]; "grok-4-0709" → [4, 0]). */
export function modelVersion(id: string): [number, number] {
  const match = /-(\d{1,2})(?:-(\d{1,2}))?(?=-|$)/.exec(canonicalModelId(id));
  return match ? [Number(match[1]), Number(match[2] ?? 0)] : [0, 0];
}

export function compareVersionsDescending(a: string, b: string): number {
  const [aMajor, aMinor] = modelVersion(a);
  const [bMajor, bMinor] = modelVersion(b);
  return bMajor - aMajor || bMinor - aMinor;
}

export type MatchKind = 'exact' | 'normalised' | 'nearest';

/**
 * The listed id to call for a wanted one: the same id; else the same canonical id; else the listed
 * release of the same model (same base key), stable before preview before experimental, newest first.
 */
export function nearestListed(wanted: string, listed: readonly string[]): { id: string; match: MatchKind } | undefined {
  const bare = wanted.replace(/^models\//, '');
  if (listed.includes(bare)) return { id: bare, match: 'exact' };
  const canonical = canonicalModelId(bare);
  const same = listed.find((id) => canonicalModelId(id) === canonical);
  if (same) return { id: same, match: 'normalised' };
  const base = baseModelKey(bare);
  const releases = listed
    .filter((id) => baseModelKey(id) === base)
    .sort((a, b) => TIER_ORDER.indexOf(modelTier(a)) - TIER_ORDER.indexOf(modelTier(b)) || b.localeCompare(a));
  return releases.length ? { id: releases[0], match: 'nearest' } : undefined;
}
