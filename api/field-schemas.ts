// The edge's field rules (core/contract/limits.ts) in the two schema languages the edge speaks: JSON
// schema for Fastify's route validation and zod for the MCP tools. Both come from the same rule, so an
// id the HTTP API refuses is refused by MCP too, with the same limit.
import { z } from 'zod';
import { FIELD_RULES, type FieldRuleName } from '../core/contract';

/** A JSON-schema string property for `rule` (Fastify compiles `pattern` with the `u` flag). */
export function jsonField(name: FieldRuleName) {
  const rule = FIELD_RULES[name];
  return { type: 'string', minLength: 1, maxLength: rule.maxLength, pattern: rule.pattern.source } as const;
}

/** Route params made of one field each, e.g. `paramsSchema({ play_id: 'playId' })`. */
export function paramsSchema(fields: Record<string, FieldRuleName>) {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([param, rule]) => [param, jsonField(rule)])),
    required: Object.keys(fields),
  } as const;
}

/** A zod string for `rule`, whose messages say the limit and the expected form (never echo the value). */
export function zodField(name: FieldRuleName, opts: { allowEmpty?: boolean } = {}) {
  const rule = FIELD_RULES[name];
  return z
    .string()
    .min(opts.allowEmpty ? 0 : 1)
    .max(rule.maxLength, `must be at most ${rule.maxLength} characters`)
    .regex(rule.pattern, `must be ${rule.hint}`);
}

/** A zod enum whose message lists the choices (zod's own quotes the whole received value back). */
export function zodEnum<T extends string>(values: readonly [T, ...T[]]) {
  return z.enum(values as [T, ...T[]], { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) });
}
