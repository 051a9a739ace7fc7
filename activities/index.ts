// Every activity the `healer` task queue serves, built from injected clients (real ones in the
// worker, the same real clients pointed at test/fakes/ servers in tests).
import type { HealerConfig } from '../runtime/config';

export interface ActivityDeps {
  config: HealerConfig;
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function createActivities(deps: ActivityDeps) {
  return {};
}

export type HealerActivities = ReturnType<typeof createActivities>;
