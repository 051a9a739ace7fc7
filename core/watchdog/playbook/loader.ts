// Parse and validate a playbook's YAML text. Pure: the caller reads the file and passes text + file name.
// Every problem is reported with its file and line, all at once, so a bad playbook never reaches a run.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { matchesType, PLAYBOOK_ACTIONS, type ParamType } from './actions';
import { parseDuration } from './duration';
import { ITEM_VARIABLE, templateReferences } from './template';
import type { Playbook, PlaybookParameter, PlaybookStep, RetrySpec } from './types';

export interface PlaybookProblem {
  file: string;
  line: number;
  message: string;
}

export class PlaybookLoadError extends Error {
  override name = 'PlaybookLoadError';
  constructor(readonly problems: PlaybookProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  }
}

const TOP_KEYS = ['name', 'description', 'slo', 'parameters', 'steps'];
const STEP_KEYS = ['id', 'action', 'description', 'params', 'timeout', 'retry', 'always', 'for_each'];
const PARAMETER_KEYS = ['type', 'required', 'default', 'description'];
const PARAM_TYPES: ParamType[] = ['string', 'number', 'boolean', 'string[]'];
const STEP_ID = /^[a-z][a-z0-9_]*$/;
const DEFAULT_TIMEOUT_MS = 30_000;

type Path = Array<string | number>;

/** Load a playbook; throws PlaybookLoadError listing every problem with file and line. */
export function loadPlaybook(text: string, file: string): Playbook {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: PlaybookProblem[] = [];
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const report = (path: Path, message: string, atKey = false): void => {
    problems.push({ file, line: lineAt(offsetOf(doc, path, atKey)), message });
  };

  for (const error of doc.errors) {
    problems.push({
      file,
      line: error.linePos?.[0].line ?? lineAt(error.pos[0]),
      message: `YAML: ${error.message.split('\n')[0]}`,
    });
  }
  if (problems.length > 0) throw new PlaybookLoadError(problems);

  const root: unknown = doc.toJS();
  if (!isRecord(root))
    throw new PlaybookLoadError([
      { file, line: 1, message: 'a playbook must be a mapping with name, slo, parameters and steps' },
    ]);
  unknownKeys(root, TOP_KEYS, [], report);

  const name = root.name;
  if (typeof name !== 'string' || name.trim() === '') report(['name'], 'name is required (a string)');
  if (root.description !== undefined && typeof root.description !== 'string')
    report(['description'], 'description must be a string');
  const sloMs = parseDuration(root.slo);
  if (sloMs === undefined || sloMs <= 0) report(['slo'], 'slo is required: a duration such as "60s"');

  const parameters = readParameters(root.parameters, report);
  const steps = readSteps(root.steps, parameters, report, (path) => lineAt(offsetOf(doc, path, false)));

  if (problems.length > 0) throw new PlaybookLoadError(problems.sort((a, b) => a.line - b.line));
  return {
    name: name as string,
    ...(typeof root.description === 'string' ? { description: root.description } : {}),
    file,
    sloMs: sloMs as number,
    parameters,
    steps,
  };
}

type Report = (path: Path, message: string, atKey?: boolean) => void;

function readParameters(raw: unknown, report: Report): PlaybookParameter[] {
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) {
    report(['parameters'], 'parameters must be a mapping of name → {type, required, default}');
    return [];
  }
  const parameters: PlaybookParameter[] = [];
  for (const [name, spec] of Object.entries(raw)) {
    const path: Path = ['parameters', name];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name === ITEM_VARIABLE) {
      report(path, `bad parameter name "${name}"`, true);
      continue;
    }
    if (!isRecord(spec)) {
      report(path, `parameter "${name}" must be a mapping with a type`);
      continue;
    }
    unknownKeys(spec, PARAMETER_KEYS, path, report);
    const type = spec.type as ParamType;
    if (!PARAM_TYPES.includes(type)) {
      report([...path, 'type'], `parameter "${name}": type must be one of ${PARAM_TYPES.join(', ')}`);
      continue;
    }
    if (spec.required !== undefined && typeof spec.required !== 'boolean')
      report([...path, 'required'], 'required must be true or false');
    if (spec.default !== undefined && !matchesType(spec.default, type))
      report([...path, 'default'], `default of "${name}" must be ${type}`);
    parameters.push({
      name,
      type,
      required: spec.required === true && spec.default === undefined,
      ...(spec.default !== undefined ? { default: spec.default } : {}),
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
    });
  }
  return parameters;
}

function readSteps(
  raw: unknown,
  parameters: PlaybookParameter[],
  report: Report,
  lineOf: (path: Path) => number,
): PlaybookStep[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    report(['steps'], 'steps is required: a non-empty list');
    return [];
  }
  const steps: PlaybookStep[] = [];
  const seen = new Set<string>();
  raw.forEach((spec, index) => {
    const path: Path = ['steps', index];
    if (!isRecord(spec)) {
      report(path, `step ${index + 1} must be a mapping with id and action`);
      return;
    }
    unknownKeys(spec, STEP_KEYS, path, report);
    const id = spec.id;
    if (typeof id !== 'string' || !STEP_ID.test(id))
      report([...path, 'id'], `step ${index + 1}: id is required (lower_snake_case)`);
    else if (seen.has(id)) report([...path, 'id'], `duplicate step id "${id}"`);
    else seen.add(id);
    const label = typeof id === 'string' ? `step ${id}` : `step ${index + 1}`;

    const action = typeof spec.action === 'string' ? PLAYBOOK_ACTIONS[spec.action] : undefined;
    if (!action) {
      const known = Object.keys(PLAYBOOK_ACTIONS).join(', ');
      report([...path, 'action'], `${label}: unknown action "${String(spec.action)}" (known: ${known})`);
    }

    let forEach: string | undefined;
    if (spec.for_each !== undefined) {
      const listParam = parameters.find((p) => p.name === spec.for_each);
      if (!listParam || listParam.type !== 'string[]') {
        report(
          [...path, 'for_each'],
          `${label}: for_each must name a string[] parameter, got "${String(spec.for_each)}"`,
        );
      } else forEach = listParam.name;
    }

    const params = spec.params === undefined ? {} : spec.params;
    if (!isRecord(params)) report([...path, 'params'], `${label}: params must be a mapping`);
    else if (action)
      checkParams(params, action.params, parameters, forEach !== undefined, [...path, 'params'], label, report);

    const timeoutMs = spec.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(spec.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0)
      report([...path, 'timeout'], `${label}: timeout must be a duration such as "10s"`);
    const retry = readRetry(spec.retry, [...path, 'retry'], label, report);
    if (spec.always !== undefined && typeof spec.always !== 'boolean')
      report([...path, 'always'], `${label}: always must be true or false`);

    steps.push({
      id: String(id),
      action: String(spec.action),
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      params: isRecord(params) ? params : {},
      timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retry,
      always: spec.always === true,
      ...(forEach ? { forEach } : {}),
      line: lineOf(path),
    });
  });
  return steps;
}

function readRetry(raw: unknown, path: Path, label: string, report: Report): RetrySpec {
  if (raw === undefined) return { attempts: 1, intervalMs: 0 };
  if (!isRecord(raw)) {
    report(path, `${label}: retry must be a mapping {attempts, interval}`);
    return { attempts: 1, intervalMs: 0 };
  }
  unknownKeys(raw, ['attempts', 'interval'], path, report);
  const attempts = raw.attempts ?? 1;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1) {
    report([...path, 'attempts'], `${label}: retry.attempts must be a whole number ≥ 1`);
  }
  const intervalMs = raw.interval === undefined ? 1000 : parseDuration(raw.interval);
  if (intervalMs === undefined)
    report([...path, 'interval'], `${label}: retry.interval must be a duration such as "10s"`);
  return {
    attempts: typeof attempts === 'number' && attempts >= 1 ? Math.floor(attempts) : 1,
    intervalMs: intervalMs ?? 1000,
  };
}

function checkParams(
  params: Record<string, unknown>,
  specs: Record<string, { type: ParamType; required: boolean }>,
  parameters: PlaybookParameter[],
  hasItem: boolean,
  path: Path,
  label: string,
  report: Report,
): void {
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required && params[name] === undefined)
      report(path.slice(0, -1), `${label}: missing parameter "${name}" for this action`);
  }
  for (const [name, value] of Object.entries(params)) {
    const spec = specs[name];
    if (!spec) {
      report(
        [...path, name],
        `${label}: unknown parameter "${name}" (expected: ${Object.keys(specs).join(', ')})`,
        true,
      );
      continue;
    }
    const problem = checkValue(value, spec.type, parameters, hasItem);
    if (problem) report([...path, name], `${label}: params.${name}: ${problem}`);
  }
}

/** A problem with one step parameter value (templates and literal types), or undefined. */
function checkValue(
  value: unknown,
  type: ParamType,
  parameters: PlaybookParameter[],
  hasItem: boolean,
): string | undefined {
  const strings = collectStrings(value);
  for (const text of strings) {
    const { names, problems } = templateReferences(text);
    if (problems.length > 0) return problems[0].message;
    for (const ref of names) {
      if (ref === ITEM_VARIABLE && hasItem) continue;
      if (!parameters.some((p) => p.name === ref)) {
        return ref === ITEM_VARIABLE
          ? `{{ item }} is only defined in a for_each step`
          : `template {{ ${ref} }} names no parameter (declared: ${parameters.map((p) => p.name).join(', ') || 'none'})`;
      }
    }
  }
  const whole = typeof value === 'string' ? /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(value) : null;
  if (whole) {
    const refType: ParamType =
      whole[1] === ITEM_VARIABLE ? 'string' : parameters.find((p) => p.name === whole[1])!.type;
    return refType === type ? undefined : `{{ ${whole[1]} }} is ${refType}, the action expects ${type}`;
  }
  if (typeof value === 'string' && strings.length > 0 && value.includes('{{')) {
    return type === 'string' ? undefined : `text with templates is a string, the action expects ${type}`;
  }
  if (type === 'string[]' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return undefined;
  return matchesType(value, type) ? undefined : `must be ${type}`;
}

function collectStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  return [];
}

function unknownKeys(record: Record<string, unknown>, allowed: string[], path: Path, report: Report): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) report([...path, key], `unknown key "${key}" (allowed: ${allowed.join(', ')})`, true);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Source offset of the node at `path` (or of its key), falling back to the nearest ancestor. */
function offsetOf(doc: Document, path: Path, atKey: boolean): number | undefined {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const sub = path.slice(0, depth);
    if (atKey && depth === path.length && depth > 0) {
      const parent = sub.length === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === sub[sub.length - 1]);
        const key = pair?.key as Node | undefined;
        if (key?.range) return key.range[0];
      }
      continue;
    }
    const node = (sub.length === 0 ? doc.contents : doc.getIn(sub, true)) as Node | null | undefined;
    if (node && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) return node.range[0];
  }
  return undefined;
}
