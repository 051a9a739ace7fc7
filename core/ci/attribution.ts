// Which session, task and agent a failed run belongs to. The run's head branch or PR title names the
// task (`task-12`, `feature/task-12-orders`, `Task 12: …`); that task's session wins, with the task's
// agent. Otherwise the repository's most recent active session; otherwise the platform session.

export interface CiSessionCandidate {
  playId: string;
  workflowId: string;
  startedAt: string;
  tasks: ReadonlyArray<{ id: string; agentHint?: string }>;
  agents: ReadonlyArray<{ name: string; githubApp?: string }>;
}

export interface CiRunOrigin {
  headBranch: string;
  pullRequestTitle?: string;
  /** The PR author's login (an agent's GitHub App shows as `<app>[bot]`). */
  pullRequestAuthor?: string;
}

export type CiAttribution =
  | { kind: 'session'; playId: string; workflowId: string; taskId?: string; agent?: string; why: string }
  | { kind: 'platform'; why: string };

const TASK_REFERENCE = /\btask[-_ /#:]*(\d+)/gi;

/** Task ids a branch name or PR title mentions, in order. */
export function taskIdsMentioned(...texts: Array<string | undefined>): string[] {
  const ids: string[] = [];
  for (const text of texts) {
    for (const match of (text ?? '').matchAll(TASK_REFERENCE)) if (!ids.includes(match[1])) ids.push(match[1]);
  }
  return ids;
}

const botName = (login: string): string => login.toLowerCase().replace(/\[bot\]$/, '');

function agentOf(session: CiSessionCandidate, origin: CiRunOrigin, taskAgent?: string): string | undefined {
  if (taskAgent) return taskAgent;
  const branchParts = origin.headBranch.toLowerCase().split(/[/_-]/);
  const byBranch = session.agents.find((agent) => branchParts.includes(agent.name.toLowerCase()));
  if (byBranch) return byBranch.name;
  const author = origin.pullRequestAuthor ? botName(origin.pullRequestAuthor) : undefined;
  return author ? session.agents.find((agent) => agent.githubApp?.toLowerCase() === author)?.name : undefined;
}

/** Candidates are the repository's active sessions; the newest wins a tie. */
export function attributeRun(origin: CiRunOrigin, candidates: readonly CiSessionCandidate[]): CiAttribution {
  const newestFirst = [...candidates].sort((a, b) =>
    a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0,
  );
  const mentioned = taskIdsMentioned(origin.headBranch, origin.pullRequestTitle);
  for (const taskId of mentioned) {
    for (const session of newestFirst) {
      const task = session.tasks.find((t) => t.id === taskId);
      if (!task) continue;
      const agent = agentOf(session, origin, task.agentHint);
      return {
        kind: 'session',
        playId: session.playId,
        workflowId: session.workflowId,
        taskId,
        ...(agent ? { agent } : {}),
        why: `task ${taskId} of ${session.playId} named by ${origin.headBranch}`,
      };
    }
  }
  const session = newestFirst[0];
  if (!session) return { kind: 'platform', why: 'no active session for the repository' };
  const agent = agentOf(session, origin);
  return {
    kind: 'session',
    playId: session.playId,
    workflowId: session.workflowId,
    ...(agent ? { agent } : {}),
    why: `the repository's active session ${session.playId}`,
  };
}
