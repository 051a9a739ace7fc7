// `{{ name }}` templates in step parameters. A value that is exactly one template keeps the parameter's
// own type (a list stays a list); templates inside longer text are interpolated as text.
import type { Playbook, PlaybookStep } from './types';

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE_TEMPLATE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The template variable a `for_each` step exposes for the current item. */
export const ITEM_VARIABLE = 'item';

export interface TemplateProblem {
  message: string;
}

/** Names referenced by the templates in a string, or problems with its syntax. */
export function templateReferences(text: string): { names: string[]; problems: TemplateProblem[] } {
  const names: string[] = [];
  const problems: TemplateProblem[] = [];
  for (const match of text.matchAll(TEMPLATE)) {
    const name = match[1];
    if (!NAME.test(name)) problems.push({ message: `bad template "${match[0]}": expected {{ parameter_name }}` });
    else names.push(name);
  }
  const leftover = text.replace(TEMPLATE, '');
  if (leftover.includes('{{') || leftover.includes('}}')) {
    problems.push({ message: `unbalanced template braces in "${text}"` });
  }
  return { names, problems };
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

function renderString(text: string, values: Record<string, unknown>): unknown {
  const whole = WHOLE_TEMPLATE.exec(text);
  if (whole) return lookup(whole[1], values);
  return text.replace(TEMPLATE, (_all, name: string) => {
    const value = lookup(name, values);
    return Array.isArray(value) ? value.join(',') : String(value);
  });
}

function lookup(name: string, values: Record<string, unknown>): unknown {
  if (!(name in values) || values[name] === undefined) throw new TemplateError(`template {{ ${name} }} has no value`);
  return values[name];
}

export function renderValue(value: unknown, values: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderString(value, values);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, values));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, values)]));
  }
  return value;
}

/**
 * Parameter values for a run: supplied values, then defaults. Throws naming every missing required
 * parameter or value of the wrong type, before any step runs.
 */
export function resolveParameters(playbook: Playbook, supplied: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const parameter of playbook.parameters) {
    const value = supplied[parameter.name] ?? parameter.default;
    if (value === undefined) {
      if (parameter.required) problems.push(`missing required parameter "${parameter.name}"`);
      continue;
    }
    const ok =
      parameter.type === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : typeof value === parameter.type;
    if (!ok) problems.push(`parameter "${parameter.name}" must be ${parameter.type}`);
    values[parameter.name] = value;
  }
  const unknown = Object.keys(supplied).filter((k) => !playbook.parameters.some((p) => p.name === k));
  for (const name of unknown) problems.push(`unknown parameter "${name}"`);
  if (problems.length > 0) throw new TemplateError(`playbook ${playbook.name}: ${problems.join('; ')}`);
  return values;
}

/** The items a `for_each` step runs over, or `[undefined]` for an ordinary step. */
export function stepItems(step: PlaybookStep, values: Record<string, unknown>): Array<string | undefined> {
  if (!step.forEach) return [undefined];
  const list = values[step.forEach];
  if (!Array.isArray(list))
    throw new TemplateError(`step ${step.id}: for_each parameter "${step.forEach}" is not a list`);
  return list.map(String);
}

/** Step parameters with templates filled in (and `{{ item }}` for a `for_each` step). */
export function renderStepParams(
  step: PlaybookStep,
  values: Record<string, unknown>,
  item?: string,
): Record<string, unknown> {
  const scope = item === undefined ? values : { ...values, [ITEM_VARIABLE]: item };
  return renderValue(step.params, scope) as Record<string, unknown>;
}
