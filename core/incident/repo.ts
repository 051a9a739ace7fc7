// Repository references as GitHub's API wants them: `owner/name`.

/** `owner/name` from `owner/name`, `https://github.com/owner/name(.git)` or `git@github.com:owner/name.git`; undefined if neither. */
export function repoSlug(repository: string | undefined): string | undefined {
  if (!repository) return undefined;
  const s = repository
    .trim()
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  const m = s.match(/^(?:https?:\/\/[^/]+\/|git@[^:]+:)?([\w.-]+)\/([\w.-]+)$/);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export function splitRepo(slug: string): { owner: string; repo: string } {
  const [owner, repo] = slug.split('/');
  return { owner, repo };
}
