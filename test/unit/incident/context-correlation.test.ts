// Correlation: the session's other failures in an incident's window, the rule that two incidents share a
// root cause, and how both reach the evaluation (prompt, rule-based evaluator) and the issue.
import type { Detection, FingerprintView, IncidentSummary } from '../../../core/contract';
import { correlate, dependenciesOf, sharedRootCause } from '../../../core/incident/correlation';
import { evaluateByRules } from '../../../core/incident/rule-evaluator';
import { evaluationPrompt, remediationPrompt } from '../../../core/incident/prompts';
import { issueBody, linkedHereComment, linkedToComment } from '../../../core/incident/render';
import { checkEvaluation } from '../../../core/incident/schemas';
import { emptyPreflight } from '../../../core/session/checklist';
import { sharedLead } from '../../../workflows/incident/context-steps';

const T = '2026-03-01T10:00:01.000Z';
const earlier = '2026-03-01T10:00:00.000Z';

const fingerprint = (over: Partial<FingerprintView>): FingerprintView => ({
  fingerprint: 'fp',
  code: 'R2',
  severity: 'high',
  count: 1,
  firstSeen: earlier,
  lastSeen: earlier,
  line: 'line',
  ...over,
});
const summary = (over: Partial<IncidentSummary>): IncidentSummary => ({
  id: 'incident-p-x',
  code: 'R2',
  severity: 'high',
  fingerprint: 'fp',
  occurrences: 1,
  step: 'evaluating',
  status: 'open',
  ...over,
});

const cleo: Detection = {
  code: 'A12',
  severity: 'high',
  priority: 'P1',
  patternId: 'a12',
  fingerprint: 'fp-cleo',
  line: 'MCP failed to initialize: tools-server did not answer',
  source: 'loki',
  observedAt: T,
  agent: 'cleo',
};

const session = {
  fingerprints: [
    fingerprint({
      fingerprint: 'fp-rex',
      agent: 'rex',
      line: 'ERROR connection refused to tools-server',
      incidentId: 'incident-p-fp-rex',
    }),
    fingerprint({ fingerprint: 'fp-cleo', code: 'A12', agent: 'cleo', firstSeen: T, lastSeen: T, line: cleo.line }),
    fingerprint({
      fingerprint: 'fp-old',
      code: 'R1',
      firstSeen: '2026-03-01T09:00:00.000Z',
      lastSeen: '2026-03-01T09:00:00.000Z',
    }),
  ],
  incidents: [
    summary({ id: 'incident-p-fp-rex', fingerprint: 'fp-rex', issue: { number: 12, title: 'rex', dryRun: false } }),
    summary({ id: 'incident-p-fp-cleo', code: 'A12', fingerprint: 'fp-cleo' }),
  ],
};
const window = { from: '2026-03-01T09:55:01.000Z', to: '2026-03-01T10:01:01.000Z' };

describe('correlation', () => {
  const correlation = correlate(session, { incidentId: 'incident-p-fp-cleo', fingerprint: 'fp-cleo' }, window);

  test('names the other failures and open incidents of the session in the window, other agents included', () => {
    expect(correlation.detections.map((d) => [d.fingerprint, d.agent])).toEqual([['fp-rex', 'rex']]);
    expect(correlation.incidents).toEqual([
      expect.objectContaining({
        id: 'incident-p-fp-rex',
        agent: 'rex',
        at: earlier,
        issue: expect.objectContaining({ number: 12 }),
      }),
    ]);
  });

  test('"rex: connection refused to tools-server" and "cleo: MCP failed to initialize" a second apart share a root cause', () => {
    expect(dependenciesOf('A12', cleo.line)).toContain('tools-server');
    expect(sharedRootCause({ incidentId: 'incident-p-fp-cleo', detection: cleo }, correlation)?.id).toBe(
      'incident-p-fp-rex',
    );
    // …and the earlier one does not link to the later one (one direction only).
    const rex: Detection = {
      ...cleo,
      code: 'R2',
      fingerprint: 'fp-rex',
      line: session.fingerprints[0].line,
      observedAt: earlier,
    };
    const fromRex = correlate(
      {
        ...session,
        incidents: [...session.incidents].map((i) => (i.id === 'incident-p-fp-cleo' ? i : { ...i, id: 'x' })),
      },
      { incidentId: 'incident-p-fp-rex', fingerprint: 'fp-rex' },
      window,
    );
    expect(sharedRootCause({ incidentId: 'incident-p-fp-rex', detection: rex }, fromRex)).toBeUndefined();
  });

  test.each([
    ['R2', 'ERROR connection refused to tools-server:8080 (dial tcp 10.0.4.12:8080)', ['tools-server', '10.0.4.12']],
    ['R2', 'ERROR postgres.cto.svc.cluster.local:5432 connection refused', ['postgres.cto.svc.cluster.local']],
    ['R2', 'ERROR connection refused to redis', ['redis']],
    ['A12', 'MCP failed to initialize', ['tools-server']],
    // Not dependencies: source positions, timestamps, tool names, redaction markers.
    ['R1', "2026-11-22T10:00:21Z thread 'main' panicked at src/orders/handler.rs:88:14", []],
    ['A10', 'pre-flight: agent cleo is missing declared tools: github_create_pull_request_review', []],
    ['R5', 'git push failed: token [REDACTED:github-token] Bad credentials', []],
  ])('%s "%s" names %j', (code, line, expected) => {
    expect([...dependenciesOf(code, line)].sort()).toEqual([...expected].sort());
  });

  test('no shared cause without a common dependency, or too far apart', () => {
    const panic = { ...cleo, code: 'R1', line: "thread 'main' panicked at src/lib.rs:3" };
    expect(sharedRootCause({ incidentId: 'incident-p-fp-cleo', detection: panic }, correlation)).toBeUndefined();
    const muchLater = { ...cleo, observedAt: '2026-03-01T10:05:00.000Z' };
    expect(sharedRootCause({ incidentId: 'incident-p-fp-cleo', detection: muchLater }, correlation)).toBeUndefined();
  });

  test('the rule-based evaluator says so, and the model schema accepts the link', () => {
    const evaluation = evaluateByRules(cleo, [], { incidentId: 'incident-p-fp-cleo', correlation });
    expect(evaluation.sharedRootCauseWith).toBe('incident-p-fp-rex');
    expect(evaluation.rootCause).toMatch(/shares that root cause \(incident-p-fp-rex\)/);
    expect(evaluateByRules(cleo, []).sharedRootCauseWith).toBeUndefined();
    expect(checkEvaluation(evaluation)).toMatchObject({
      ok: true,
      value: { sharedRootCauseWith: 'incident-p-fp-rex' },
    });
    expect(checkEvaluation({ ...evaluation, sharedRootCauseWith: '' })).toEqual({
      ok: true,
      value: expect.not.objectContaining({ sharedRootCauseWith: expect.anything() }),
    });
  });

  test('a model’s sharedRootCauseWith counts only when it names an incident the context listed', () => {
    const gathered = { ref: '', excerpt: [], notes: [], logLines: 0, correlation };
    const evaluation = evaluateByRules(cleo, []);
    expect(sharedLead({ ...evaluation, sharedRootCauseWith: 'incident-p-fp-rex' }, gathered)?.id).toBe(
      'incident-p-fp-rex',
    );
    expect(sharedLead({ ...evaluation, sharedRootCauseWith: 'incident-made-up' }, gathered)).toBeUndefined();
    expect(sharedLead(evaluation, gathered)).toBeUndefined();
  });

  test('the evaluation prompt carries the correlated failures, the open incidents, GitHub and the checklist', () => {
    const prompt = evaluationPrompt(
      cleo,
      ['09:58:01.000 rex [R2] | ERROR connection refused to tools-server'],
      [],
      undefined,
      {
        window,
        correlation,
        github: {
          pullRequest: {
            number: 7,
            title: 'Task 1: orders',
            branch: 'feature/task-1',
            ci: { verdict: 'failure', failures: ['check test: failure'] },
          },
          commits: [{ path: 'src/orders.ts', sha: 'abcdef1234', message: 'Add orders' }],
          notes: [],
        },
        checklist: { agent: 'cleo', items: emptyPreflight() },
      },
    );
    expect(prompt).toContain('every agent of the session');
    expect(prompt).toContain('incident-p-fp-rex: R2 (high, open) agent rex');
    expect(prompt).toContain('Task PR #7 "Task 1: orders" (branch feature/task-1): CI failure — check test: failure');
    expect(prompt).toContain('Commit abcdef1 on the default branch touching src/orders.ts: Add orders');
    expect(prompt).toContain('tools-server reachable: pending');
  });

  test('the issue shows the window, the correlated failures, the link, GitHub and the checklist', () => {
    const evaluation = evaluateByRules(cleo, [], { incidentId: 'incident-p-fp-cleo', correlation });
    const items = emptyPreflight();
    items.toolsServer = { state: 'fail', evidence: 'A12: MCP failed to initialize', at: T };
    const body = issueBody({
      incidentId: 'incident-p-fp-cleo',
      playId: 'p',
      repository: 'o/r',
      detection: cleo,
      evaluation,
      evaluatedBy: 'rules',
      logExcerpt: ['09:58:01.000 rex [R2] | ERROR connection refused to tools-server'],
      extras: {
        window,
        summary: {
          sources: [
            { name: 'loki', lines: 812 },
            { name: 'pushed', lines: 0 },
          ],
          lines: 1,
          bytes: 70,
          dropped: 811,
          correlated: 2,
        },
        correlation,
        checklist: { agent: 'cleo', items },
      },
      sharedWith: correlation.incidents[0],
    });
    expect(body).toContain('### Log window (redacted)');
    expect(body).toContain('Sources: loki 812 lines, pushed 0 lines. Kept 1 lines (70 bytes)');
    expect(body).toContain('### Other failures of the session in the window');
    expect(body).toMatch(/\| rex \| R2 \| 1 \| ERROR connection refused to tools-server \| #12 \|/);
    expect(body).toContain('### Shares its root cause with\n#12 (`incident-p-fp-rex`');
    expect(body).toContain('| tools-server reachable | fail | A12: MCP failed to initialize |');
    expect(linkedHereComment('incident-p-fp-cleo', { number: 13 }, 'tools-server down')).toContain(
      '(#13) shares this root cause',
    );
    expect(linkedToComment('incident-p-fp-cleo', { number: 13 }, correlation.incidents[0])).toContain(
      '#13 shares its root cause with #12 (`incident-p-fp-rex`)',
    );
  });

  test('the remediation prompt reads the issue as written, and the files it may change', () => {
    const evaluation = evaluateByRules(cleo, []);
    const prompt = remediationPrompt(
      '[Healer A12] tools',
      evaluation,
      [{ path: 'src/a.ts', content: 'x' }],
      undefined,
      1,
      '## A12\nThe analysis\n<!-- healer-incident: i -->',
    );
    expect(prompt).toContain('# [Healer A12] tools\n\n## A12\nThe analysis');
    expect(prompt).not.toContain('healer-incident');
    expect(prompt).toContain('Files you may change: src/a.ts. A change to any other file is refused.');
  });
});
