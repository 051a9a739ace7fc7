// Structured answers: parse the model's text as JSON and validate it against the request's schema.
// Anything else is a failed attempt; it never reaches the caller.
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../../core/model/request';

export type Validated =
  { ok: true; value: unknown } | { ok: false; errorClass: 'malformed-json' | 'schema-violation' | 'empty-answer' };

export class AnswerValidator {
  private readonly ajv = new Ajv({ allErrors: false, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
  }

  validate(text: string | undefined, schema: JsonSchema): Validated {
    if (text === undefined || text.trim() === '') return { ok: false, errorClass: 'empty-answer' };
    let value: unknown;
    try {
      value = JSON.parse(stripCodeFence(text));
    } catch {
      return { ok: false, errorClass: 'malformed-json' };
    }
    return this.validator(schema)(value) ? { ok: true, value } : { ok: false, errorClass: 'schema-violation' };
  }

  /** A schema ajv cannot compile is the caller's bug, not a model failure. */
  isValidSchema(schema: JsonSchema): boolean {
    try {
      this.validator(schema);
      return true;
    } catch {
      return false;
    }
  }

  private validator(schema: JsonSchema): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/** Some models wrap JSON in a ```json fence even in JSON mode; the content is still the answer. */
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return fenced ? fenced[1] : text;
}
