// The watchdog (`watchdog-<namespace>`) on its own worker, watching stand-in components run by the real
// `healer dev` supervisor: each is an idle process that heartbeats (from here) as `<name>-<pid>` while it
// runs, so a kill silences it and a restart shows up as a new instance. Each scenario records the run
// that went through its recovery and then continued as new.
import { join } from 'node:path';
import { fileDryRunStore } from '../../activities/incident/github';
import { startHeartbeat, type HeartbeatSender } from '../../runtime/heartbeat';
import { Supervisor } from '../../runtime/supervisor';
import { runWatchdogWorker } from '../../workers/watchdog';
import { watchdogStatusQuery, type WatchdogSettings, type WatchdogView } from '../../core/contract';
import { continuedRun, currentRunId, waitFor, type HistoryEvent, type Recorder, type Scenario } from './scenario';

const COMPONENTS = ['scanner', 'worker'];
/** Short timers, as in the watchdog's integration tests. */
const FAST: Partial<WatchdogSettings> = {
  silentAfterMs: 2000,
  stuckAfterMs: 2000,
  allSilentAfterMs: 4000,
  restartLimit: 3,
  restartWindowMs: 600_000,
  backoffBaseMs: 300,
  backoffMaxMs: 2000,
  playbookDurationScale: 0.2,
};

/** Heartbeats for every component the supervisor runs, under an instance id that changes with its process. */
class StandIns {
  private readonly senders = new Map<string, { pid: number; sender: HeartbeatSender }>();
  /** Killed for good: restarted processes of these stay silent. */
  private readonly silenced = new Set<string>();
  private readonly timer = setInterval(() => this.sync(), 100);
  private cursor = 0;

  constructor(
    readonly supervisor: Supervisor,
    private readonly target: { recorder: Recorder; namespace: string; taskQueue: string },
  ) {}

  async kill(name: string, comesBack = true): Promise<void> {
    if (!comesBack) this.silenced.add(name);
    await this.supervisor.kill(name);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.senders.values()].map(({ sender }) => sender.stop()));
    await this.supervisor.stopAll();
  }

  private sync(): void {
    for (const component of this.supervisor.list()) {
      const current = this.senders.get(component.name);
      const live = component.running && component.pid !== undefined && !this.silenced.has(component.name);
      if (current && (!live || current.pid !== component.pid)) {
        void current.sender.stop();
        this.senders.delete(component.name);
      }
      if (live && !this.senders.has(component.name))
        this.senders.set(component.name, { pid: component.pid!, sender: this.beat(component.name, component.pid!) });
    }
  }

  private beat(component: string, pid: number): HeartbeatSender {
    return startHeartbeat({
      client: this.target.recorder.client,
      namespace: this.target.namespace,
      taskQueue: this.target.taskQueue,
      component,
      instanceId: `${component}-${pid}`,
      version: 'recorded',
      intervalMs: 400,
      progress: () => ({ cursor: (this.cursor += 1), hasNewData: true }),
      onError: () => undefined,
    });
  }
}

interface WatchdogRig {
  workflowId: string;
  firstRunId: string;
  standIns: StandIns;
  until(what: string, accept: (view: WatchdogView) => boolean): Promise<WatchdogView>;
  close(): Promise<void>;
}

async function watchdogRig(
  recorder: Recorder,
  name: string,
  settings: Partial<WatchdogSettings>,
): Promise<WatchdogRig> {
  const namespace = `rec-${name}-${recorder.suffix}`.toLowerCase();
  const taskQueue = `${recorder.taskQueue}-watchdog-${name}`;
  const supervisor = new Supervisor(() => undefined);
  const supervisorUrl = await supervisor.listen(0);
  const watchdog = await runWatchdogWorker({
    connection: recorder.connection,
    client: recorder.client,
    taskQueue,
    namespace,
    components: COMPONENTS,
    settings,
    auditLogPath: join(recorder.dir, `audit-${name}.jsonl`),
    supervisorUrl,
    github: { octokit: null, dryRunStore: fileDryRunStore(join(recorder.dir, 'dry-run')) },
    workflowBundle: recorder.workflowBundle,
    workerOptions: { shutdownGraceTime: '1s' },
  });
  const firstRunId = await currentRunId(recorder.client, watchdog.workflowId);
  for (const component of COMPONENTS)
    supervisor.start({
      name: component,
      command: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1 << 30)'],
      logFile: join(recorder.dir, `${name}-${component}.log`),
    });
  const standIns = new StandIns(supervisor, { recorder, namespace, taskQueue });
  const view = () => recorder.client.workflow.getHandle(watchdog.workflowId).query(watchdogStatusQuery);
  const rig: WatchdogRig = {
    workflowId: watchdog.workflowId,
    firstRunId,
    standIns,
    until: (what, accept) => waitFor(what, view, accept, 90_000),
    async close() {
      await standIns.stop();
      await recorder.client.workflow
        .getHandle(watchdog.workflowId)
        .terminate('recorded')
        .catch(() => undefined);
      await watchdog.shutdown();
    },
  };
  await rig.until('every component healthy', (v) =>
    COMPONENTS.every((n) => v.components.find((c) => c.name === n)?.healthy === true),
  );
  return rig;
}

const startedAndFinishedPlaybook = (events: HistoryEvent[]) =>
  events.some((event) => event.startChildWorkflowExecutionInitiatedEventAttributes) &&
  events.some((event) => event.childWorkflowExecutionCompletedEventAttributes);

const escalated = (events: HistoryEvent[]) =>
  events.some((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'escalate');

/** Bring the watchdog up, cause the trouble, wait for its answer, record the run that holds it. */
function watchdogScenario(spec: {
  name: string;
  settings: Partial<WatchdogSettings>;
  trouble(standIns: StandIns): Promise<unknown>;
  answered: [what: string, accept: (view: WatchdogView) => boolean];
  recorded: (events: HistoryEvent[]) => boolean;
}): Scenario {
  return {
    name: `watchdog-${spec.name}-continue-as-new`,
    async run(recorder) {
      const rig = await watchdogRig(recorder, spec.name, spec.settings);
      try {
        await spec.trouble(rig.standIns);
        await rig.until(...spec.answered);
        return await continuedRun(recorder.client, rig.workflowId, rig.firstRunId, spec.recorded);
      } finally {
        await rig.close();
      }
    },
  };
}

const succeeded = (playbook: string) => (view: WatchdogView) =>
  view.history.some((run) => run.playbook === playbook && run.outcome === 'succeeded');

export const watchdogScenarios: Scenario[] = [
  watchdogScenario({
    name: 'mutual-restart',
    settings: FAST,
    trouble: (standIns) => standIns.kill('scanner'),
    answered: ['the scanner restarted by the mutual playbook', succeeded('healer_mutual_restart')],
    recorded: startedAndFinishedPlaybook,
  }),
  watchdogScenario({
    name: 'emergency',
    settings: FAST,
    trouble: (standIns) => Promise.all(COMPONENTS.map((name) => standIns.kill(name))),
    answered: ['both components back through the emergency playbook', succeeded('emergency_healer_recovery')],
    recorded: startedAndFinishedPlaybook,
  }),
  watchdogScenario({
    // One restart allowed: the scanner's never brings it back, so the watchdog gives up and escalates.
    name: 'give-up',
    settings: { ...FAST, restartLimit: 1 },
    trouble: (standIns) => standIns.kill('scanner', false),
    answered: [
      'the watchdog gave up on the scanner',
      (view) => view.escalations.some((escalation) => escalation.component === 'scanner'),
    ],
    recorded: escalated,
  }),
];
