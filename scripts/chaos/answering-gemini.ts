// The project's fake Gemini, answering every generate call well: a remediation request (its response
// schema asks for `edits`) gets a patch of the file the evaluation named, anything else an evaluation.
// Calls from many incidents interleave, so answers go by what is asked, not by a script in call order.
import type { ServerResponse } from 'node:http';
import { FakeGemini } from '../../test/fakes/gemini';
import type { Behaviour, RecordedRequest } from '../../test/fakes/model-server';

export const CHAOS_FILE = 'src/lib.rs';

export const EVALUATION = {
  summary: 'A missing value is unwrapped',
  rootCause: 'the loader unwraps a key that may be absent',
  category: 'code',
  severity: 'high',
  confidence: 0.9,
  affectedFiles: [CHAOS_FILE],
  suggestedFix: 'Fall back to a default when the key is absent',
};

export const PATCH = {
  summary: 'Default an absent key',
  explanation: 'Use a default instead of unwrapping.',
  edits: [{ path: CHAOS_FILE, content: 'pub fn load() -> u32 { 0 }\n' }],
};

const asksForEdits = (body: string): boolean => /"edits"\s*:\s*\{/.test(body);

export class AnsweringGemini extends FakeGemini {
  protected override async behaviourFor(record: RecordedRequest, res: ServerResponse): Promise<Behaviour | undefined> {
    if (res.destroyed) return undefined;
    return { kind: 'ok', answer: asksForEdits(record.body) ? PATCH : EVALUATION };
  }
}

export async function startAnsweringGemini(apiKey: string, models?: string[]): Promise<AnsweringGemini> {
  return new AnsweringGemini({ apiKey, ...(models ? { models: models.map((id) => ({ id })) } : {}) }).start();
}
