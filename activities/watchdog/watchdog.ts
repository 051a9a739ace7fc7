// Activities that talk to Temporal itself and to the playbook files: load and validate a playbook,
// read component health from the watchdog workflow, switch emergency mode. Plus the factory that
// assembles every activity the watchdog worker serves.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { loadPlaybook as parsePlaybook } from '../../core/watchdog/playbook/loader';
import type { Playbook, StepRequest } from '../../core/watchdog/playbook/types';
import { emergencyModeSignal, watchdogStatusQuery, type ComponentView } from '../../core/contract';
import { createAuditActivities, mirroredLog, type AuditDeps } from './audit';
import { createEscalateActivities, type EscalateDeps } from './escalate';
import { createRestartActivities, type RestartDeps } from './restart';

export interface WatchdogActivityDeps {
  client: Client;
  /** Directory of the playbook YAML files. */
  playbookDir: string;
}

export function createWatchdogStateActivities({ client, playbookDir }: WatchdogActivityDeps) {
  async function components(watchdogWorkflowId: string): Promise<ComponentView[]> {
    const view = await client.workflow.getHandle(watchdogWorkflowId).query(watchdogStatusQuery);
    return view.components;
  }
  const describe = (c: ComponentView): string =>
    `${c.name} is not back yet (state ${c.state}, last heartbeat ${c.lastHeartbeatAt ?? 'never'})`;

  return {
    /** Read and validate a playbook; a bad file is a non-retryable error naming file and line. */
    async loadPlaybook(input: { name: string; source?: { text: string; file: string } }): Promise<Playbook> {
      let text: string;
      let file: string;
      if (input.source) {
        ({ text, file } = input.source);
      } else {
        if (!/^[a-z0-9_]+$/.test(input.name))
          throw ApplicationFailure.nonRetryable(`bad playbook name "${input.name}"`, 'PlaybookLoadError');
        file = join(playbookDir, `${input.name}.yaml`);
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT')
            throw ApplicationFailure.nonRetryable(`no playbook file ${file}`, 'PlaybookLoadError');
          throw error;
        }
      }
      try {
        return parsePlaybook(text, file);
      } catch (error) {
        throw ApplicationFailure.nonRetryable((error as Error).message, 'PlaybookLoadError');
      }
    },

    async verifyComponentHealthy(
      request: StepRequest<{ component: string }>,
    ): Promise<{ component: string; instanceId?: string; lastHeartbeatAt?: string }> {
      const { component } = request.params;
      const c = (await components(request.context.watchdogWorkflowId)).find((x) => x.name === component);
      if (!c) throw ApplicationFailure.retryable(`${component} has never sent a heartbeat`, 'ComponentUnhealthy');
      if (!c.healthy) throw ApplicationFailure.retryable(describe(c), 'ComponentUnhealthy');
      return { component, instanceId: c.instanceId, lastHeartbeatAt: c.lastHeartbeatAt };
    },

    async verifyComponentsHeartbeating(request: StepRequest<{ components: string[] }>): Promise<{ healthy: string[] }> {
      const all = await components(request.context.watchdogWorkflowId);
      const problems = request.params.components.map((name) => {
        const c = all.find((x) => x.name === name);
        return !c ? `${name} has never sent a heartbeat` : c.healthy ? undefined : describe(c);
      });
      const bad = problems.filter((p): p is string => p !== undefined);
      if (bad.length > 0) throw ApplicationFailure.retryable(bad.join('; '), 'ComponentUnhealthy');
      return { healthy: request.params.components };
    },

    async setEmergencyMode(
      request: StepRequest<{ enabled: boolean; reason?: string }>,
    ): Promise<{ emergencyMode: boolean }> {
      const { enabled, reason } = request.params;
      await client.workflow.getHandle(request.context.watchdogWorkflowId).signal(emergencyModeSignal, {
        enabled,
        ...(reason ? { reason } : {}),
        playbookRun: request.context.run,
      });
      return { emergencyMode: enabled };
    },
  };
}

export interface WatchdogWorkerActivityDeps extends WatchdogActivityDeps {
  restart: RestartDeps;
  audit: AuditDeps;
  escalate: Omit<EscalateDeps, 'audit'>;
}

/** Every activity the `healer-watchdog` task queue serves. */
export function createWatchdogWorkerActivities(deps: WatchdogWorkerActivityDeps) {
  return {
    ...createWatchdogStateActivities(deps),
    ...createRestartActivities({ client: deps.client, ...deps.restart }),
    ...createAuditActivities(deps.audit),
    ...createEscalateActivities({ ...deps.escalate, audit: mirroredLog(deps.audit.log, deps.audit.mirror) }),
  };
}

export type WatchdogWorkerActivities = ReturnType<typeof createWatchdogWorkerActivities>;
