// Callers asking for the same thing at the same time share one request. Every incident of a session
// gathers its context when its window ends, often all together: the session's view, the repository's
// open PRs, a commit's CI state and a file's history are then read once, not once per incident (fewer
// calls against GitHub's rate limits, less work for a worker that just restarted). Nothing is kept
// once the request settles, so no caller ever gets an answer older than its own question.

/** A function that runs `read` for a key unless a read for that key is already under way. */
export function singleFlight<T>(): (key: string, read: () => Promise<T>) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key, read) => {
    let shared = pending.get(key);
    if (!shared) {
      shared = read().finally(() => pending.delete(key));
      pending.set(key, shared);
    }
    return shared;
  };
}
