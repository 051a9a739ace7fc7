// Identical reads that arrive while one is in flight share its answer instead of each asking again.
// Nothing is kept once the answer is out, so no answer predates the request it serves by more than one
// read. The API uses it for Temporal queries (thirty callers listing sessions at once cost one visibility
// query); the context gathering of incidents that end their window together for the session's view, the
// open PRs, a commit's CI state and a file's history (fewer calls against GitHub's rate limits, less work
// for a worker that just restarted).
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, read: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const answer = read().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, answer);
    return answer;
  }
}
