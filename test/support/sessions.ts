// Sample payloads and detections for session tests.
import type { Detection, SessionInput } from '../../core/contract';
import { normaliseSessionPayload } from '../../core/session/payload';

export function samplePayload(playId: string): Record<string, unknown> {
  return {
    play_id: playId,
    repository: '5dlabs/cto',
    service: 'cto',
    cto_config: {
      agents: {
        rex: {
          githubApp: '5DLabs-Rex',
          cli: 'codex',
          model: 'gpt-5',
          tools: {
            remote: ['github_create_pr', 'brave_search'],
            localServers: {
              filesystem: { enabled: true, tools: ['read_file', 'write_file'] },
              off: { enabled: false, tools: ['ignored'] },
            },
          },
        },
        cleo: { tools: { remote: ['github_get_pr'] } },
      },
    },
    tasks: [
      { id: 1, title: 'Implement the API', agent_hint: 'rex' },
      { id: '2', title: 'Review', dependencies: [1] },
    ],
  };
}

export const sampleInput = (playId: string): SessionInput => normaliseSessionPayload(samplePayload(playId));

export function detection(fingerprint: string, overrides: Partial<Detection> = {}): Detection {
  return {
    code: 'R2',
    severity: 'high',
    priority: 'P2',
    patternId: 'R2.connection-refused',
    fingerprint,
    line: 'Error: connect ECONNREFUSED 127.0.0.1:5432',
    source: 'test',
    observedAt: new Date().toISOString(),
    agent: 'rex',
    taskId: '1',
    ...overrides,
  };
}
