// The pre-flight checklist item by item: pass, fail and unknown, each from its evidence (log lines,
// the tool inventory, the session's tasks, the agent's own agentReady report), the unknown policy and
// the session-blocking P0.
import { normaliseSessionPayload } from '../../../core/session/payload';
import {
  applyAgentReady,
  applyDetection,
  applyInventory,
  applySilence,
  applyStart,
  blockingDetections,
  closeItems,
  emptyPreflight,
  itemDetection,
  summarise,
} from '../../../core/session/checklist';
import type { Detection, PreflightChecklist, PreflightItem } from '../../../core/contract';

const AT = '2026-03-01T10:00:00.000Z';
const session = normaliseSessionPayload({
  play_id: 'p',
  repository: 'o/r',
  cto_config: {
    agents: {
      rex: {
        cli: 'codex',
        githubApp: '5DLabs-Rex',
        tools: {
          remote: ['github_create_pr', 'brave_search'],
          localServers: {
            filesystem: { enabled: true, tools: ['read_file'] },
            git: { enabled: false, tools: ['git_status'] },
          },
        },
      },
      cleo: { tools: { remote: ['github_get_pr'] } },
    },
  },
  tasks: [
    { id: 1, title: 'Build it', agent_hint: 'rex' },
    { id: 2, title: 'Review it', agent_hint: 'cleo' },
  ],
});
const rex = session.agents.find((a) => a.name === 'rex')!;

const line = (code: string, text: string): Detection => ({
  code,
  severity: 'high',
  priority: 'P1',
  patternId: code,
  fingerprint: code,
  line: text,
  source: 'loki',
  observedAt: AT,
  agent: 'rex',
});
const state = (c: PreflightChecklist, item: PreflightItem) => [c[item].state, c[item].evidence];

describe('pre-flight checklist items', () => {
  test('agent type and role: passed by the start of a declared agent that a task names', () => {
    const c = emptyPreflight();
    applyStart(c, session, 'rex', AT);
    expect(state(c, 'agentType')).toEqual([
      'pass',
      'agentStarted rex: declared in cto_config (cli codex, app 5DLabs-Rex)',
    ]);
    expect(state(c, 'roleMatchesTask')).toEqual(['pass', 'task 1 "Build it" names rex (agent_hint)']);
    const stranger = emptyPreflight();
    applyStart(stranger, session, 'nova', AT);
    expect(stranger.agentType.state).toBe('pending');
    expect(stranger.roleMatchesTask.state).toBe('pending');
  });

  test.each([
    ['L1', 'template code/rex.md.hbs not found', 'templateLoaded'],
    ['L2', 'prompt file is empty', 'templateLoaded'],
    ['L3', 'role implementer is undefined', 'agentType'],
    ['L3', 'role implementer is undefined', 'roleMatchesTask'],
    ['L4', 'task context is empty', 'languageContext'],
    ['A11', 'cto-config.json missing', 'ctoConfigLoaded'],
    ['A10', 'declared tools missing: brave_search', 'remoteTools'],
    ['A12', 'tools-server unreachable at tools.cto.svc', 'toolsServer'],
    ['A12', 'MCP server filesystem failed to initialize', 'localServers'],
    ['R2', 'connection refused to tools-server', 'toolsServer'],
  ] as const)('%s in the agent’s own log ("%s") fails %s, with the line as evidence', (code, text, item) => {
    const c = emptyPreflight();
    applyDetection(c, line(code, text));
    expect(state(c, item)).toEqual(['fail', `${code}: ${text}`]);
  });

  test('a complete inventory passes remote tools, local servers, tools-server and the CTO config', () => {
    const c = emptyPreflight();
    applyInventory(c, rex, ['brave_search', 'github_create_pr', 'read_file', 'extra'], AT);
    expect(state(c, 'remoteTools')).toEqual(['pass', 'toolInventory: all 2 remote tools reported']);
    expect(state(c, 'localServers')).toEqual(['pass', 'toolInventory: filesystem initialized']);
    expect(state(c, 'toolsServer')).toEqual(['pass', 'toolInventory: 2 remote tools served']);
    expect(state(c, 'ctoConfigLoaded')).toEqual(['pass', 'toolInventory matches the tools cto_config declares']);
  });

  test('a missing remote tool and a local server without its tools fail, naming them', () => {
    const c = emptyPreflight();
    applyInventory(c, rex, ['github_create_pr'], AT);
    expect(state(c, 'remoteTools')).toEqual(['fail', 'toolInventory: missing remote tools brave_search']);
    expect(state(c, 'localServers')).toEqual(['fail', 'toolInventory: filesystem missing read_file']);
    expect(c.toolsServer.state).toBe('pass'); // one remote tool answered
    expect(c.ctoConfigLoaded.state).toBe('pending'); // no evidence either way
  });

  test('none of several remote tools: the tools-server did not serve them', () => {
    const c = emptyPreflight();
    applyInventory(c, rex, ['read_file'], AT);
    expect(state(c, 'toolsServer')).toEqual(['fail', 'toolInventory: none of 2 remote tools served']);
  });

  test('silence about the tools until the deadline fails them (A10 is raised for it)', () => {
    const c = emptyPreflight();
    applySilence(c, AT);
    expect(state(c, 'remoteTools')).toEqual(['fail', 'no toolInventory within the pre-flight window']);
    expect(c.localServers.state).toBe('fail');
    expect(c.toolsServer.state).toBe('pending');
  });

  test('the agent’s own report (agentReady) decides items, and a wrong task fails the role', () => {
    const c = emptyPreflight();
    const failed = applyAgentReady(
      c,
      session,
      {
        agent: 'rex',
        taskId: '2',
        checks: { templateLoaded: true, languageContext: { ok: false, detail: 'no language in task 2' } },
      },
      AT,
    );
    expect(state(c, 'templateLoaded')).toEqual(['pass', 'agentReady rex: template loaded ok']);
    expect(state(c, 'languageContext')).toEqual([
      'fail',
      'agentReady rex: language context set failed: no language in task 2',
    ]);
    expect(state(c, 'roleMatchesTask')).toEqual(['fail', 'agentReady: rex took task 2, whose agent_hint is cleo']);
    expect(failed).toEqual(['languageContext', 'roleMatchesTask']);
  });

  test('a failure stands: later evidence of a pass does not hide it', () => {
    const c = emptyPreflight();
    applyDetection(c, line('A11', 'cto-config.json missing'));
    applyInventory(c, rex, ['brave_search', 'github_create_pr', 'read_file'], AT);
    expect(c.ctoConfigLoaded.state).toBe('fail');
  });

  test('at the deadline items without evidence are unknown, never passed; the policy decides what is raised', () => {
    for (const [policy, raised] of [
      ['pass', 0],
      ['warn', 0],
      ['fail', 4],
    ] as const) {
      const c = emptyPreflight();
      applyInventory(c, rex, ['brave_search', 'github_create_pr', 'read_file'], AT);
      // The inventory decided the four MCP items; the four prompt items had no evidence.
      expect(closeItems(c, policy, AT)).toHaveLength(raised);
      expect(state(c, 'templateLoaded')).toEqual(['unknown', 'no evidence within the pre-flight window']);
      expect(c.remoteTools.state).toBe('pass');
    }
    const c = emptyPreflight();
    closeItems(c, 'fail', AT);
    expect(itemDetection('rex', 'templateLoaded', c.templateLoaded.evidence!, AT)).toMatchObject({
      code: 'L1',
      priority: 'P1',
      source: 'preflight',
      preflight: true,
      line: 'pre-flight: agent rex: template loaded failed — no evidence within the pre-flight window',
    });
  });

  test('the four-column summary is the worst state of its items', () => {
    const c = emptyPreflight();
    applyStart(c, session, 'rex', AT);
    applyInventory(c, rex, ['brave_search', 'github_create_pr'], AT);
    closeItems(c, 'warn', AT);
    expect(summarise(c)).toEqual({ prompts: 'unknown', config: 'unknown', mcpTools: 'fail', toolsServer: 'pass' });
  });

  test('a session-blocking item failed for every started agent is raised once as P0', () => {
    const down = () => {
      const c = emptyPreflight();
      applyDetection(c, line('A12', 'tools-server unreachable'));
      return c;
    };
    const blocking = blockingDetections({ rex: down(), cleo: down() }, [], AT);
    expect(blocking).toEqual([
      {
        item: 'toolsServer',
        detection: expect.objectContaining({
          code: 'A12',
          priority: 'P0',
          severity: 'critical',
          fingerprint: 'preflight-all-agents-toolsserver',
        }),
      },
    ]);
    expect(blocking[0].detection.line).toContain('failed for every agent (rex, cleo)');
    expect(blockingDetections({ rex: down(), cleo: down() }, ['toolsServer'], AT)).toEqual([]);
    expect(blockingDetections({ rex: down(), cleo: emptyPreflight() }, [], AT)).toEqual([]);
    expect(blockingDetections({ rex: down() }, [], AT)).toEqual([]); // one agent is not "every agent"
  });
});
