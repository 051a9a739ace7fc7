// Identical reads that arrive while one is in flight share its answer instead of each asking Temporal.
// Nothing is kept once the answer is out, so no answer predates the request it serves by more than one
// query: thirty callers listing sessions at once cost one visibility query, not thirty queued in Temporal.
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
