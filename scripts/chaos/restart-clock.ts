// Time from a process's death to its restart, per component: the chaos schedule notes each SIGKILL, the
// stack notes each new process start (supervisor events; for Temporal, the restarted server answering)
// and each first heartbeat delivered; each kill is paired with the first start (and ready) after it.
// Boot time is a process's own start → first heartbeat delivered.
import { summarize } from '../bench/stats';

interface Stamp {
  name: string;
  atMs: number;
}

export class RestartClock {
  private readonly kills: Stamp[] = [];
  private readonly starts: Stamp[] = [];
  private readonly readies: Stamp[] = [];

  killed(name: string, atMs: number): void {
    this.kills.push({ name, atMs });
  }

  started(name: string, atMs: number): void {
    this.starts.push({ name, atMs });
  }

  ready(name: string, atMs: number): void {
    this.readies.push({ name, atMs });
  }

  restartSummary(): Record<string, ReturnType<typeof summarize>> {
    return this.summaries(this.starts);
  }

  readySummary(): Record<string, ReturnType<typeof summarize>> {
    return this.summaries(this.readies);
  }

  /** Start → ready of the same process (a ready before that component's next start). */
  bootSummary(): Record<string, ReturnType<typeof summarize>> {
    const boots = new Map<string, number[]>();
    for (const [i, start] of this.starts.entries()) {
      const next = this.starts.slice(i + 1).find((s) => s.name === start.name)?.atMs ?? Infinity;
      const ready = this.readies.find((r) => r.name === start.name && r.atMs >= start.atMs && r.atMs < next);
      if (ready) boots.set(start.name, [...(boots.get(start.name) ?? []), ready.atMs - start.atMs]);
    }
    return Object.fromEntries([...boots].map(([name, ms]) => [name, summarize(ms)]));
  }

  private summaries(after: Stamp[]): Record<string, ReturnType<typeof summarize>> {
    const delays = new Map<string, number[]>();
    for (const kill of this.kills) {
      const next = after.find((s) => s.name === kill.name && s.atMs >= kill.atMs);
      if (!next) continue;
      delays.set(kill.name, [...(delays.get(kill.name) ?? []), next.atMs - kill.atMs]);
    }
    return Object.fromEntries([...delays].map(([name, ms]) => [name, summarize(ms)]));
  }
}
