// A stand-in for the model gateway's `generateStructured` activity (the real one is activities/model.ts),
// for the healing-chain tests and benchmark. It talks to the fake Gemini server over HTTP with fetch and
// picks the model by purpose so evaluation and remediation answers can be scripted separately.
import type { StructuredRequest, StructuredResult } from '../../core/model/request';

export const EVAL_MODEL = 'gemini-eval';
export const PATCH_MODEL = 'gemini-patch';

/**
 * A stand-in for the model gateway (activities/model.ts), kept deliberately thin: it sends the request to
 * the fake Gemini server with fetch, picking the model by purpose so tests can script evaluation and
 * remediation answers separately, and passes the parsed JSON through WITHOUT validating it, so the
 * workflow's own checks are what is under test.
 */
export function thinGateway(geminiUrl: string, apiKey: string | undefined) {
  return {
    async generateStructured(req: StructuredRequest): Promise<StructuredResult<unknown>> {
      if (!apiKey) return { ok: false, reason: 'no-key', detail: 'GEMINI_API_KEY is not set' };
      const model = req.purpose === 'evaluate' ? EVAL_MODEL : PATCH_MODEL;
      const res = await fetch(`${geminiUrl}/v1beta/models/${model}:generateContent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKey },
        body: JSON.stringify({
          systemInstruction: { parts: [{ text: req.system }] },
          contents: [{ role: 'user', parts: [{ text: req.prompt }] }],
          generationConfig: { responseMimeType: 'application/json', responseJsonSchema: req.responseSchema },
        }),
      });
      if (!res.ok) return { ok: false, reason: 'exhausted', detail: `${model}: HTTP ${res.status}` };
      const body = (await res.json()) as { candidates?: Array<{ content?: { parts?: Array<{ text?: string }> } }> };
      const text = body.candidates?.[0]?.content?.parts?.[0]?.text ?? '';
      try {
        return {
          ok: true,
          value: JSON.parse(text) as unknown,
          model,
          attempts: 1,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
        };
      } catch {
        return { ok: false, reason: 'exhausted', detail: `${model}: malformed JSON` };
      }
    },
  };
}
