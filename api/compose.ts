// The composition root of the API process kind. The HTTP API (`healer api`, which also serves MCP at
// /mcp) and the MCP stdio server (`healer mcp`) both build their session service and operations here,
// so a session started through either gets the same defaults from the configuration: pre-flight window,
// open-incident cap, evidence interval, cto-config remediation defaults and the Temporal UI link.
import { Client, Connection } from '@temporalio/client';
import type { HealerConfig } from '../runtime/config';
import type { SessionSettings } from '../workflows/session/session';
import { createPushLogs, type PushLogs } from './mcp/push-logs';
import type { McpDeps } from './mcp/server';
import { createIncidentDecisions, createWatchdogReader } from './mcp/temporal-actions';
import { SessionService } from './session/sessions';
import { ensureCiPoller } from './github/pollers';
import type { SessionInput } from '../core/contract';
import { DEFAULT_CIRCUIT, TemporalCircuit } from './temporal-circuit';
import { tracingClientInterceptors } from '../runtime/tracing';

export interface ApiServices {
  sessions: SessionService;
  /** Pushed log lines, scanned like any source (HTTP POST …/logs and MCP send_logs). */
  pushLogs: PushLogs;
  /** The human gate (HTTP POST /api/v1/incidents/{id}/approve|reject and the MCP tools). */
  decisions: ReturnType<typeof createIncidentDecisions>;
  watchdogState: NonNullable<McpDeps['watchdogState']>;
}

export interface ComposeOptions {
  /** Task queue sessions start on (default `healer`; tests isolate themselves with their own). */
  taskQueue?: string;
}

/** What every session started by this process gets, from the configuration. */
export function sessionSettings(config: HealerConfig): SessionSettings {
  const remediation = config.ctoDefaults.remediation;
  return {
    preflightWindowMs: config.preflightWindowMs,
    preflightUnknownIs: config.preflight.unknownIs,
    contextWindow: config.context,
    maxOpenIncidents: config.maxOpenIncidents,
    evidenceIntervalMs: config.evidenceIntervalMs,
    genericErrorRate: config.genericErrorRate,
    ...(remediation ? { remediationDefaults: remediation } : {}),
  };
}

export function composeApi(config: HealerConfig, client: Client, opts: ComposeOptions = {}): ApiServices {
  const sessions = new SessionService(client, {
    ...(opts.taskQueue ? { taskQueue: opts.taskQueue } : {}),
    settings: sessionSettings(config),
    ...(config.temporal.uiUrl ? { ui: { url: config.temporal.uiUrl, namespace: config.temporal.namespace } } : {}),
    // Without webhooks, a session's repository is polled for failed CI runs while the session is active.
    ...(config.ci.pollIntervalMs > 0
      ? {
          beforeStart: (input: SessionInput) =>
            ensureCiPoller(client, input.repository, {
              intervalMs: config.ci.pollIntervalMs,
              ignoredActors: config.ci.ignoredActors,
              ...(opts.taskQueue ? { taskQueue: opts.taskQueue } : {}),
            }),
        }
      : {}),
  });
  return {
    sessions,
    pushLogs: createPushLogs(client, { taskQueue: sessions.taskQueue }),
    decisions: createIncidentDecisions(client),
    watchdogState: createWatchdogReader(client, config.namespace),
  };
}

/** The MCP server's dependencies: every tool wired to the composed services. */
export function mcpDepsOf(services: ApiServices, client: Client): McpDeps {
  return {
    sessions: services.sessions,
    client,
    pushLogs: services.pushLogs,
    ...services.decisions,
    watchdogState: services.watchdogState,
  };
}

export interface ConnectedApi {
  client: Client;
  services: ApiServices;
  /** Open while Temporal is unreachable (api/temporal-circuit.ts). */
  circuit: TemporalCircuit;
  close(): Promise<void>;
}

/** Connects to Temporal as configured and composes the services on that client. */
export async function connectApi(config: HealerConfig, opts: ComposeOptions = {}): Promise<ConnectedApi> {
  // Every call gets a deadline (api/temporal-deadlines.ts): one slow call cannot hold the connection. A
  // circuit (api/temporal-circuit.ts) fails calls at once while Temporal is away; the connection is lazy, so
  // the API starts (and answers 503) even when Temporal is down.
  const circuit = new TemporalCircuit({ ...DEFAULT_CIRCUIT, log: (line) => process.stderr.write(`${line}\n`) });
  const connection = Connection.lazy({ address: config.temporal.address, interceptors: circuit.interceptors() });
  circuit.start((deadline) => connection.withDeadline(deadline, () => connection.workflowService.getSystemInfo({})));
  // With tracing on, starts and signals carry the request's trace into the workflows (runtime/tracing.ts).
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    interceptors: { workflow: tracingClientInterceptors() },
  });
  const close = async () => {
    circuit.stop();
    await connection.close();
  };
  return { client, services: composeApi(config, client, opts), circuit, close };
}
