// The shape a session's cto_config.remediation may have at the edge: a flat object of settings, each a
// boolean, a finite number, a string or a list of strings (path globs), so what reaches Temporal is
// small and shallow. What each setting means, and its defaults, is core/incident/settings.ts's business.
import { COUNT_LIMITS, FIELD_RULES, fieldProblem, quoteValue } from '../contract';

export interface ShapeProblem {
  field: string;
  reason: string;
}

function scalarProblem(value: unknown): string | undefined {
  if (typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'must be a finite number';
  if (typeof value === 'string') return fieldProblem(FIELD_RULES.settingValue, value);
  return `must be a boolean, a number, a string or a list of strings, got ${Array.isArray(value) ? 'a nested list' : value === null ? 'null' : typeof value}`;
}

/** The first problem with `remediation`, or undefined when its shape is fine; `where` names it in messages. */
export function checkRemediation(remediation: unknown, where = 'cto_config.remediation'): ShapeProblem | undefined {
  if (typeof remediation !== 'object' || remediation === null || Array.isArray(remediation))
    return { field: where, reason: 'must be an object' };
  const entries = Object.entries(remediation);
  if (entries.length > COUNT_LIMITS.remediationSettings)
    return {
      field: where,
      reason: `must hold at most ${COUNT_LIMITS.remediationSettings} settings, got ${entries.length}`,
    };
  for (const [key, value] of entries) {
    if (fieldProblem(FIELD_RULES.settingName, key))
      return { field: where, reason: `setting ${quoteValue(key)}: must be ${FIELD_RULES.settingName.hint}` };
    const field = `${where}.${key}`;
    if (!Array.isArray(value)) {
      const problem = scalarProblem(value);
      if (problem) return { field, reason: problem };
      continue;
    }
    if (value.length > COUNT_LIMITS.remediationListItems)
      return { field, reason: `must hold at most ${COUNT_LIMITS.remediationListItems} items, got ${value.length}` };
    for (const [i, item] of value.entries()) {
      if (typeof item !== 'string') return { field: `${field}[${i}]`, reason: 'must be a string' };
      const problem = fieldProblem(FIELD_RULES.settingValue, item);
      if (problem) return { field: `${field}[${i}]`, reason: problem };
    }
  }
  return undefined;
}
