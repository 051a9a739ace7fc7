// Pre-flight verdicts: does an agent's reported tool inventory cover what its cto_config declares?
import type { CheckState } from '../contract';

export const PREFLIGHT_CODES = { inventory: 'A10', config: 'A11', mcp: 'A12' } as const;

export interface Checklist {
  prompts: CheckState;
  config: CheckState;
  mcpTools: CheckState;
  toolsServer: CheckState;
}

export const pendingChecklist = (): Checklist => ({
  prompts: 'pending',
  config: 'pending',
  mcpTools: 'pending',
  toolsServer: 'pending',
});

/** The declared tools the agent did not report, sorted. Extra reported tools are fine. */
export function missingTools(expected: readonly string[], reported: readonly string[]): string[] {
  const have = new Set(reported.map((t) => t.trim()));
  return expected.filter((t) => !have.has(t)).sort();
}

/** Which checklist item a pre-flight-relevant detection code fails, if any. */
export function checklistItemFor(code: string): keyof Checklist | undefined {
  switch (code) {
    case 'A10':
      return 'mcpTools';
    case 'A11':
      return 'config';
    case 'A12':
      return 'toolsServer';
    case 'L2':
      return 'prompts';
    default:
      return undefined;
  }
}

/** When the window closes, every item still pending passes: nothing reported it broken in time. */
export function closeChecklist(checklist: Checklist): Checklist {
  const close = (s: CheckState): CheckState => (s === 'pending' ? 'pass' : s);
  return {
    prompts: close(checklist.prompts),
    config: close(checklist.config),
    mcpTools: close(checklist.mcpTools),
    toolsServer: close(checklist.toolsServer),
  };
}

/** The A10 detection raised by the session itself when pre-flight fails. */
export function preflightDetection(
  agent: string,
  kind: 'mismatch' | 'silent',
  missing: string[],
  observedAt: string,
): import('../contract').Detection {
  const line =
    kind === 'mismatch'
      ? `pre-flight: agent ${agent} is missing declared tools: ${missing.join(', ')}`
      : `pre-flight: agent ${agent} did not report its tool inventory within the pre-flight window`;
  return {
    code: PREFLIGHT_CODES.inventory,
    severity: 'high',
    priority: 'P1',
    patternId: kind === 'mismatch' ? 'preflight.inventory-mismatch' : 'preflight.inventory-not-reported',
    fingerprint: `a10-${agent.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${kind}`,
    line,
    source: 'preflight',
    observedAt,
    agent,
    preflight: true,
    ...(missing.length ? { missingTools: missing } : {}),
  };
}
