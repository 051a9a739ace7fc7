// GitHub Actions CI intake settings from the environment: the webhook secret, the repositories watched
// beyond those of active sessions, the actors whose runs are ignored, and the poller's interval.
import { DEFAULT_IGNORED_ACTORS } from '../../core/ci/scope';
import { ConfigError } from './errors';
import type { EnvReader } from './reader';
import type { CiSettings } from './types';

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export function readCi(r: EnvReader): CiSettings {
  const watchRepos = r.list('HEALER_WATCH_REPOS', []);
  const bad = watchRepos.find((repo) => !REPO.test(repo));
  if (bad !== undefined) throw new ConfigError('HEALER_WATCH_REPOS', 'a comma-separated list of owner/name', bad);
  const webhookSecret = r.raw('GITHUB_WEBHOOK_SECRET');
  // 0: no poller (webhooks only); otherwise at least 10 s, to stay far from GitHub's rate limits.
  const pollIntervalMs = r.int('HEALER_CI_POLL_INTERVAL_MS', 0, 0, 86_400_000);
  if (pollIntervalMs > 0 && pollIntervalMs < 10_000)
    throw new ConfigError(
      'HEALER_CI_POLL_INTERVAL_MS',
      '0 (off) or an integer from 10000 to 86400000',
      String(pollIntervalMs),
    );
  return {
    ...(webhookSecret ? { webhookSecret } : {}),
    watchRepos,
    ignoredActors: r.list('HEALER_CI_IGNORE_ACTORS', DEFAULT_IGNORED_ACTORS),
    pollIntervalMs,
  };
}
