// The dev supervisor's control endpoint can kill processes, so it answers only under a random per-run
// token, the first segment of its URL (`http://127.0.0.1:<port>/<token>`): whoever was handed that URL
// (the components, as HEALER_SUPERVISOR_URL) can use it; anyone else who reaches the port cannot.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newControlToken = (): string => randomBytes(24).toString('base64url');

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The request path below the token (`/components/…`), or undefined when the token is missing or wrong. */
export function pathBelowToken(url: string | undefined, token: string): string | undefined {
  const [, given = '', rest = ''] = /^\/([^/?]*)(.*)$/.exec(url ?? '') ?? [];
  // Hashed first: the comparison takes the same time whatever was sent, and says nothing about lengths.
  if (!timingSafeEqual(digest(given), digest(token))) return undefined;
  return rest.startsWith('/') ? rest : `/${rest}`;
}
