import {
  modelTier,
  orderDiscovered,
  parseFallbackModels,
  resolveChain,
  type CatalogModel,
} from '../../../core/model/chain';
import { baseModelKey, canonicalModelId, nearestListed } from '../../../core/model/normalise';
import { parseModelList, parseModelSpec } from '../../../core/model/providers';

const listed = (ids: string[], generatesContent = true): CatalogModel[] => ids.map((id) => ({ id, generatesContent }));

test('tiers: stable, preview, experimental', () => {
  expect(
    [
      'gemini-2.5-flash',
      'gemini-2.5-flash-preview-09-2025',
      'gemini-2.0-flash-exp',
      'gemini-exp-1206',
      'grok-beta',
    ].map(modelTier),
  ).toEqual(['stable', 'preview', 'experimental', 'experimental', 'preview']);
});

test('Gemini discovered order: stable → preview → experimental, newest first, generateContent text models only', () => {
  const models = [
    ...listed([
      'gemini-2.0-flash-exp',
      'gemini-3-pro-preview',
      'gemini-2.0-flash',
      'gemini-2.5-pro',
      'gemini-2.5-flash',
      'gemini-2.5-flash-lite',
    ]),
    ...listed(['gemini-2.5-flash-preview-tts', 'gemini-2.5-flash-image', 'gemma-3-27b-it']),
    ...listed(['text-embedding-004', 'gemini-embedding-001'], false),
  ];
  expect(orderDiscovered('gemini', models)).toEqual([
    'gemini-2.5-flash',
    'gemini-2.5-pro',
    'gemini-2.5-flash-lite',
    'gemini-2.0-flash',
    'gemini-3-pro-preview',
    'gemini-2.0-flash-exp',
  ]);
});

test('Claude and Grok discovered order: newest version first, the cheaper family first, retired never, deprecated last', () => {
  const claude: CatalogModel[] = [
    { id: 'claude-opus-4-1-20250805', generatesContent: true },
    { id: 'claude-sonnet-4-5-20250929', generatesContent: true },
    { id: 'claude-haiku-4-5-20251001', generatesContent: true },
    { id: 'claude-3-7-sonnet-20250219', generatesContent: true, lifecycle: 'deprecated' },
    { id: 'claude-3-5-sonnet-20241022', generatesContent: true, lifecycle: 'retired' },
  ];
  expect(orderDiscovered('anthropic', claude)).toEqual([
    'claude-haiku-4-5-20251001',
    'claude-sonnet-4-5-20250929',
    'claude-opus-4-1-20250805',
    'claude-3-7-sonnet-20250219',
  ]);
  expect(
    orderDiscovered(
      'xai',
      listed(['grok-3', 'grok-4-0709', 'grok-4.20-0309-non-reasoning', 'grok-2-image-1212', 'grok-3-mini']),
    ),
  ).toEqual(['grok-4.20-0309-non-reasoning', 'grok-4-0709', 'grok-3-mini', 'grok-3']);
});

test('ids normalise: separators, case and a zero minor version do not matter; releases map to their model', () => {
  expect(canonicalModelId('Gemini-3.0-Pro')).toBe('gemini-3-pro');
  expect(canonicalModelId('grok-4-0709')).toBe('grok-4-0709');
  expect(baseModelKey('gemini-2.5-flash-preview-09-2025')).toBe('gemini-2-5-flash');
  expect(baseModelKey('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
  const gemini = ['gemini-3-pro-preview', 'gemini-3-pro-image-preview', 'gemini-2.0-flash', 'gemini-2.0-flash-lite'];
  expect(nearestListed('gemini-3-0-pro', gemini)).toEqual({ id: 'gemini-3-pro-preview', match: 'nearest' });
  expect(nearestListed('gemini-2-0-flash', gemini)).toEqual({ id: 'gemini-2.0-flash', match: 'normalised' });
  expect(nearestListed('gemini-1-5-pro', gemini)).toBeUndefined();
  expect(nearestListed('claude-sonnet-4.5', ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-20250514'])).toEqual({
    id: 'claude-sonnet-4-5-20250929',
    match: 'nearest',
  });
});

test('model specs: provider:model, or a bare id whose provider is inferred; anything else names the entry', () => {
  expect(parseModelSpec('claude-haiku-4-5')).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5' });
  expect(parseModelSpec('grok:grok-4')).toEqual({ provider: 'xai', model: 'grok-4' });
  expect(parseModelSpec('models/gemini-2.5-pro')).toEqual({ provider: 'gemini', model: 'gemini-2.5-pro' });
  expect(parseModelSpec('openai-compatible:llama3.3')).toEqual({ provider: 'openai-compatible', model: 'llama3.3' });
  expect(() => parseModelList('gemini-2.5-pro, llama3', 'HEALER_FALLBACK_MODELS')).toThrow(
    'HEALER_FALLBACK_MODELS: expected provider:model or a gemini-*/claude-*/grok-* id; "llama3": cannot tell its provider',
  );
  expect(() => parseModelList('mistral:large', 'HEALER_FALLBACK_MODELS')).toThrow('unknown provider "mistral"');
  expect(parseFallbackModels(' gemini-2.5-pro, models/gemini-1.5-pro ,, grok-4 ')).toEqual([
    'gemini-2.5-pro',
    'gemini-1.5-pro',
    'grok-4',
  ]);
});

test("the seed's hyphenated HEALER_FALLBACK_MODELS resolves to a non-empty chain and reports what it cannot serve", () => {
  const gemini = {
    provider: 'gemini' as const,
    fallback: [],
    models: listed(['gemini-3-pro-preview', 'gemini-2.5-flash', 'gemini-2.0-flash']),
  };
  const override = parseModelList('gemini-3-0-pro,gemini-2-0-flash,gemini-1-5-pro', 'HEALER_FALLBACK_MODELS');
  expect(resolveChain([gemini], override)).toEqual({
    chain: ['gemini:gemini-3-pro-preview', 'gemini:gemini-2.0-flash'],
    missing: ['gemini:gemini-1-5-pro'],
    missingReasons: { 'gemini:gemini-1-5-pro': 'not listed' },
    normalised: {
      'gemini:gemini-3-0-pro': 'gemini:gemini-3-pro-preview',
      'gemini:gemini-2-0-flash': 'gemini:gemini-2.0-flash',
    },
    source: 'override',
  });
});

test('one chain across providers: override order wins; no key, retired and unmatched entries are reported', () => {
  const catalogs = [
    { provider: 'gemini' as const, fallback: [], models: listed(['gemini-2.5-flash', 'gemini-2.5-pro']) },
    {
      provider: 'anthropic' as const,
      fallback: [],
      models: [
        { id: 'claude-haiku-4-5-20251001', generatesContent: true },
        { id: 'claude-3-5-sonnet-20241022', generatesContent: true, lifecycle: 'retired' as const },
      ],
    },
  ];
  const override = parseModelList(
    'claude-haiku-4-5, gemini-2.5-pro, grok-4, claude-3-5-sonnet-20241022',
    'HEALER_FALLBACK_MODELS',
  );
  expect(resolveChain(catalogs, override)).toMatchObject({
    chain: ['anthropic:claude-haiku-4-5-20251001', 'gemini:gemini-2.5-pro'],
    missing: ['xai:grok-4', 'anthropic:claude-3-5-sonnet-20241022'],
    missingReasons: {
      'xai:grok-4': 'provider not configured (no key)',
      'anthropic:claude-3-5-sonnet-20241022': 'retired',
    },
    source: 'override',
  });
  // Providers in the given order without an override.
  expect(resolveChain(catalogs, []).chain).toEqual([
    'gemini:gemini-2.5-flash',
    'gemini:gemini-2.5-pro',
    'anthropic:claude-haiku-4-5-20251001',
  ]);
  // An override that matches nothing falls back to discovery, loudly.
  expect(resolveChain(catalogs, parseModelList('gemini-1.0-pro', 'X'))).toMatchObject({
    chain: ['gemini:gemini-2.5-flash', 'gemini:gemini-2.5-pro', 'anthropic:claude-haiku-4-5-20251001'],
    missing: ['gemini:gemini-1.0-pro'],
    source: 'discovered-after-unmatched-override',
  });
  // A provider that cannot be listed contributes its fallback (or the override as written).
  expect(resolveChain([{ provider: 'xai', fallback: ['grok-4'] }], []).chain).toEqual(['xai:grok-4']);
});
