import { modelTier, orderDiscovered, parseFallbackModels, resolveChain } from '../../../core/model/chain';

const listed = (ids: string[], generatesContent = true) => ids.map((id) => ({ id, generatesContent }));

test('tiers: stable, preview, experimental', () => {
  expect(
    ['gemini-2.5-flash', 'gemini-2.5-flash-preview-09-2025', 'gemini-2.0-flash-exp', 'gemini-exp-1206'].map(modelTier),
  ).toEqual(['stable', 'preview', 'experimental', 'experimental']);
});

test('discovered order: stable → preview → experimental, newest first, generateContent text models only', () => {
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
  expect(orderDiscovered(models)).toEqual([
    'gemini-2.5-flash',
    'gemini-2.5-pro',
    'gemini-2.5-flash-lite',
    'gemini-2.0-flash',
    'gemini-3-pro-preview',
    'gemini-2.0-flash-exp',
  ]);
});

test('HEALER_FALLBACK_MODELS overrides the order; missing models are skipped and reported', () => {
  const models = listed(['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.0-flash']);
  const override = parseFallbackModels(' gemini-2.5-pro, models/gemini-1.5-pro ,, gemini-2.0-flash ');
  expect(override).toEqual(['gemini-2.5-pro', 'gemini-1.5-pro', 'gemini-2.0-flash']);
  expect(resolveChain(models, override)).toEqual({
    chain: ['gemini-2.5-pro', 'gemini-2.0-flash'],
    missing: ['gemini-1.5-pro'],
    source: 'override',
  });
  expect(resolveChain(models, [])).toMatchObject({
    chain: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.0-flash'],
    source: 'discovered',
  });
});
