// The built-in evaluator: derives the model's answer shape from the detection catalog alone.
// Used without a model key, and whenever the model gateway cannot answer (the workflow records why).
import type { Detection } from '../contract';
import type { Evaluation, EvaluationCategory } from './schemas';
import { CI_EVALUATION_RULES } from '../ci/remediation';
import { sharedRootCause, type Correlation } from './correlation';

interface Rule {
  category: EvaluationCategory;
  cause: string;
  fix: string;
}

const RULES: Record<string, Rule> = {
  A10: {
    category: 'tooling',
    cause: 'The agent started without tools its cto_config declares (tool inventory mismatch).',
    fix: 'Enable the missing MCP tools/servers for this agent in cto-config.json or fix the tools-server so it exposes them, then restart the agent.',
  },
  A11: {
    category: 'configuration',
    cause: 'The CTO config was missing or invalid when the agent started.',
    fix: 'Validate cto-config.json, make sure the ConfigMap is synced into the agent pod, and restart the run.',
  },
  A12: {
    category: 'tooling',
    cause: 'An MCP server or the tools-server failed to initialize or was unreachable.',
    fix: 'Check the tools-server deployment and MCP server logs; restore it and restart the agent.',
  },
  R1: {
    category: 'code',
    cause: 'The agent or a tool it runs crashed (panic / fatal error).',
    fix: 'Inspect the stack trace in the log excerpt, fix the failing code path and add a regression test.',
  },
  R2: {
    category: 'infrastructure',
    cause: 'An infrastructure dependency timed out or refused connections.',
    fix: 'Check the health of the dependency named in the log; add timeouts/retries with backoff where missing.',
  },
  R3: {
    category: 'infrastructure',
    cause: 'The agent exhausted its retries against a failing dependency.',
    fix: 'Find the underlying failing call in the log window and fix it; retries only hide the cause.',
  },
  R4: {
    category: 'filesystem',
    cause: 'The agent could not read or write files (permission denied).',
    fix: 'Fix the volume permissions / securityContext (fsGroup, runAsUser) for the agent workspace.',
  },
  R5: {
    category: 'auth',
    cause: 'Authentication failed: a token is invalid, expired or lacks scope.',
    fix: 'Rotate or re-issue the credential (GitHub App installation / API key) and verify its scopes.',
  },
  L1: {
    category: 'lifecycle',
    cause: 'A prompt template was not found.',
    fix: 'Restore the template referenced by the agent and check the template path configuration.',
  },
  L2: {
    category: 'lifecycle',
    cause: 'The agent prompt was missing.',
    fix: 'Check that the prompt is rendered and mounted before the agent starts.',
  },
  L3: {
    category: 'configuration',
    cause: 'The agent role was undefined.',
    fix: 'Define the role for this agent in cto-config.json.',
  },
  L4: {
    category: 'lifecycle',
    cause: 'The task context was empty.',
    fix: 'Check the task definition and the docs/context generation step that feeds the agent.',
  },
  A7: {
    category: 'resource',
    cause: 'The agent pod failed or is crash-looping.',
    fix: 'Read the previous container logs and events; fix the crash cause (OOM → raise limits, bad config → fix config).',
  },
  A8: {
    category: 'resource',
    cause: 'An agent step ran past its timeout.',
    fix: 'Look for a hang in the log window (waiting on a tool or network); split the task or raise the per-agent timeout.',
  },
  A9: {
    category: 'infrastructure',
    cause: 'A CodeRun stayed non-terminal for more than 10 minutes.',
    fix: 'Check the controller logs and the CodeRun status conditions; delete and recreate the stuck CodeRun if needed.',
  },
};

const FALLBACK: Rule = {
  category: 'unknown',
  cause: 'A failure matched the detection catalog.',
  fix: 'Read the log excerpt and the linked session; no automatic fix is known for this code.',
};

const FILE_RE =
  /(?:^|[\s"'(=])((?:[\w.-]+\/)*[\w-]+\.(?:rs|ts|tsx|js|mjs|py|go|java|kt|rb|yaml|yml|json|toml|sh|md))(?::\d+)?/g;

/** Repository-looking file paths mentioned in the lines (deduplicated, in order). */
export function filesMentioned(lines: readonly string[], limit = 10): string[] {
  const out: string[] = [];
  for (const line of lines) {
    for (const m of line.matchAll(FILE_RE)) {
      const p = m[1].replace(/^\.\//, '');
      if (!p.startsWith('/') && !out.includes(p)) out.push(p);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/**
 * `related`: this incident's id and the session's other failures in its window; when an open incident
 * names the same dependency moments before (core/incident/correlation.ts), the evaluation says so.
 */
export function evaluateByRules(
  detection: Detection,
  extraLines: readonly string[] = [],
  related?: { incidentId: string; correlation: Correlation },
): Evaluation {
  const lead = related && sharedRootCause({ incidentId: related.incidentId, detection }, related.correlation);
  const known = RULES[detection.code] ?? CI_EVALUATION_RULES[detection.code];
  const rule = known ?? FALLBACK;
  const where = [detection.agent && `agent ${detection.agent}`, detection.taskId && `task ${detection.taskId}`]
    .filter(Boolean)
    .join(', ');
  const missing = detection.missingTools?.length ? ` Missing tools: ${detection.missingTools.join(', ')}.` : '';
  const summary = `${rule.cause.replace(/\.$/, '').replace(/ \(.*\)$/, '')}${where ? ` (${where})` : ''}`.slice(0, 200);
  return {
    summary,
    rootCause:
      `${rule.cause}${missing} Detected by pattern ${detection.patternId}.` +
      (lead
        ? ` It follows ${lead.code} from ${lead.agent ?? 'another agent'} at ${lead.at} naming the same dependency ("${lead.line}"), so it shares that root cause (${lead.id}).`
        : ''),
    category: rule.category,
    severity: detection.severity,
    // Rules know the class of failure, not its cause in this code base.
    confidence: known ? 0.5 : 0.2,
    affectedFiles: filesMentioned([detection.line, ...extraLines]),
    suggestedFix: rule.fix,
    ...(lead ? { sharedRootCauseWith: lead.id } : {}),
  };
}
