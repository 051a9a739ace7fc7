// A deliberately non-deterministic edit of playSession: it starts a timer before anything else.
// The replay test bundles this in place of the real workflow to prove the replay check catches such changes.
import { sleep } from '@temporalio/workflow';
import { playSession as original, type SessionRunInput } from '../../workflows/session/session';

export async function playSession(run: SessionRunInput) {
  await sleep('1 second');
  return original(run);
}
