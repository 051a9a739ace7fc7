// The structured answers the healing chain asks a model for, as JSON schemas (sent to the model gateway)
// plus small pure validators, so the workflow re-checks every answer before acting on it.
import type { JsonSchema } from '../model/request';
import type { Severity } from '../contract';
import { SEVERITY_ORDER } from '../contract';

export const EVALUATION_CATEGORIES = [
  'infrastructure',
  'code',
  'configuration',
  'auth',
  'tooling',
  'filesystem',
  'lifecycle',
  'resource',
  'unknown',
] as const;
export type EvaluationCategory = (typeof EVALUATION_CATEGORIES)[number];

/** Evaluation of an incident: the same shape from the model and from the rule-based evaluator. */
export interface Evaluation {
  /** One line, used in the issue title. */
  summary: string;
  rootCause: string;
  category: EvaluationCategory;
  severity: Severity;
  /** 0..1 */
  confidence: number;
  affectedFiles: string[];
  suggestedFix: string;
  /** Id of an open incident of the session this one shares its root cause with (absent or '' when none). */
  sharedRootCauseWith?: string;
}

export const EVALUATION_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'rootCause', 'category', 'severity', 'confidence', 'affectedFiles', 'suggestedFix'],
  properties: {
    summary: { type: 'string', minLength: 1, maxLength: 200 },
    rootCause: { type: 'string', minLength: 1, maxLength: 4000 },
    category: { type: 'string', enum: [...EVALUATION_CATEGORIES] },
    severity: { type: 'string', enum: [...SEVERITY_ORDER] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    affectedFiles: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 300 } },
    suggestedFix: { type: 'string', minLength: 1, maxLength: 8000 },
    sharedRootCauseWith: { type: 'string', maxLength: 300 },
  },
};

export interface FileEdit {
  /** Repository-relative path. */
  path: string;
  /** The whole new content of the file. */
  content: string;
}

/** A patch-mode remediation: full new contents for each file to change. */
export interface RemediationPatch {
  summary: string;
  explanation: string;
  edits: FileEdit[];
}

export const PATCH_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'explanation', 'edits'],
  properties: {
    summary: { type: 'string', minLength: 1, maxLength: 200 },
    explanation: { type: 'string', minLength: 1, maxLength: 8000 },
    edits: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'content'],
        properties: {
          path: { type: 'string', minLength: 1, maxLength: 300 },
          content: { type: 'string', maxLength: 200000 },
        },
      },
    },
  },
};

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Record<string, unknown>, key: string, max: number, errors: string[], min = 1): string {
  const v = o[key];
  if (typeof v !== 'string') errors.push(`${key}: expected string`);
  else if (v.length < min || v.length > max) errors.push(`${key}: length must be ${min}..${max}`);
  return typeof v === 'string' ? v : '';
}

function noExtraKeys(o: Record<string, unknown>, allowed: readonly string[], where: string, errors: string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) errors.push(`${where}${k}: unexpected property`);
}

/** Mirrors EVALUATION_SCHEMA. */
export function checkEvaluation(value: unknown): Checked<Evaluation> {
  if (!isObject(value)) return { ok: false, errors: ['expected an object'] };
  const errors: string[] = [];
  noExtraKeys(value, [...(EVALUATION_SCHEMA.required as string[]), 'sharedRootCauseWith'], '', errors);
  const summary = str(value, 'summary', 200, errors);
  const rootCause = str(value, 'rootCause', 4000, errors);
  const suggestedFix = str(value, 'suggestedFix', 8000, errors);
  const category = value.category as EvaluationCategory;
  if (!EVALUATION_CATEGORIES.includes(category)) errors.push('category: not one of the allowed values');
  const severity = value.severity as Severity;
  if (!SEVERITY_ORDER.includes(severity)) errors.push('severity: not one of the allowed values');
  const confidence = value.confidence;
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))
    errors.push('confidence: expected number 0..1');
  const files = value.affectedFiles;
  if (
    !Array.isArray(files) ||
    files.length > 50 ||
    files.some((f) => typeof f !== 'string' || f.length === 0 || f.length > 300)
  ) {
    errors.push('affectedFiles: expected up to 50 non-empty strings');
  }
  const shared = value.sharedRootCauseWith;
  if (shared !== undefined && (typeof shared !== 'string' || shared.length > 300))
    errors.push('sharedRootCauseWith: expected a string of at most 300 characters');
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      summary,
      rootCause,
      category,
      severity,
      confidence: confidence as number,
      affectedFiles: files as string[],
      suggestedFix,
      ...(typeof shared === 'string' && shared.length > 0 ? { sharedRootCauseWith: shared } : {}),
    },
  };
}

/** Mirrors PATCH_SCHEMA. */
export function checkPatch(value: unknown): Checked<RemediationPatch> {
  if (!isObject(value)) return { ok: false, errors: ['expected an object'] };
  const errors: string[] = [];
  noExtraKeys(value, ['summary', 'explanation', 'edits'], '', errors);
  const summary = str(value, 'summary', 200, errors);
  const explanation = str(value, 'explanation', 8000, errors);
  const edits: FileEdit[] = [];
  if (!Array.isArray(value.edits) || value.edits.length < 1 || value.edits.length > 20) {
    errors.push('edits: expected 1..20 items');
  } else {
    value.edits.forEach((e, i) => {
      if (!isObject(e)) return void errors.push(`edits[${i}]: expected an object`);
      noExtraKeys(e, ['path', 'content'], `edits[${i}].`, errors);
      const path = str(e, 'path', 300, errors);
      const content = str(e, 'content', 200000, errors, 0);
      edits.push({ path, content });
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { summary, explanation, edits } };
}
