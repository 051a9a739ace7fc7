import { normaliseSessionPayload, PayloadError } from '../../../core/session/payload';
import { samplePayload } from '../../support/sessions';

const fieldOf = (body: unknown): string => {
  try {
    normaliseSessionPayload(body);
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadError);
    return (error as PayloadError).field;
  }
  throw new Error('expected a PayloadError');
};

describe('normaliseSessionPayload', () => {
  test('snake_case and camelCase give the same typed shape', () => {
    const snake = normaliseSessionPayload(samplePayload('p1'));
    const camel = normaliseSessionPayload({
      playId: 'p1',
      repository: '5dlabs/cto',
      service: 'cto',
      ctoConfig: (samplePayload('p1') as { cto_config: unknown }).cto_config,
      tasks: [
        { id: 1, title: 'Implement the API', agentHint: 'rex' },
        { id: '2', title: 'Review', dependencies: [1] },
      ],
    });
    expect(camel).toEqual(snake);
    expect(snake.namespace).toBe('cto');
    expect(snake.tasks).toEqual([
      { id: '1', title: 'Implement the API', agentHint: 'rex', dependencies: [] },
      { id: '2', title: 'Review', dependencies: ['1'] },
    ]);
  });

  test('expected tools are remote plus enabled local servers, sorted and unique', () => {
    const input = normaliseSessionPayload(samplePayload('p1'));
    expect(input.agents.find((a) => a.name === 'rex')).toEqual({
      name: 'rex',
      githubApp: '5DLabs-Rex',
      cli: 'codex',
      model: 'gpt-5',
      expectedTools: ['brave_search', 'github_create_pr', 'read_file', 'write_file'],
      // Kept apart too: the pre-flight checklist checks remote tools and each local server on its own.
      remoteTools: ['brave_search', 'github_create_pr'],
      localServers: { filesystem: ['read_file', 'write_file'] },
    });
    expect(input.agents.find((a) => a.name === 'cleo')?.expectedTools).toEqual(['github_get_pr']);
  });

  test('local_servers in snake_case is accepted too', () => {
    const input = normaliseSessionPayload({
      play_id: 'p',
      repository: 'o/r',
      cto_config: { agents: { a: { tools: { local_servers: { fs: { enabled: true, tools: ['x'] } } } } } },
    });
    expect(input.agents[0].expectedTools).toEqual(['x']);
  });

  test.each([
    [null, 'body'],
    [{}, 'play_id'],
    [{ play_id: 'has space', repository: 'o/r' }, 'play_id'],
    [{ play_id: 'p', repository: 'no-slash' }, 'repository'],
    [{ play_id: 'p', repository: 'o/r', namespace: 'Bad_NS' }, 'namespace'],
    [{ play_id: 'p', repository: 'o/r', tasks: {} }, 'tasks'],
    [{ play_id: 'p', repository: 'o/r', tasks: [{ id: 1 }] }, 'tasks[0].title'],
    [
      {
        play_id: 'p',
        repository: 'o/r',
        tasks: [
          { id: 1, title: 'a' },
          { id: '1', title: 'b' },
        ],
      },
      'tasks[1].id',
    ],
    [
      { play_id: 'p', repository: 'o/r', cto_config: { agents: { rex: { tools: { remote: 'x' } } } } },
      'cto_config.agents.rex.tools.remote',
    ],
    [
      {
        play_id: 'p',
        repository: 'o/r',
        cto_config: { agents: { rex: { tools: { localServers: { fs: { enabled: 'yes' } } } } } },
      },
      'cto_config.agents.rex.tools.localServers.fs.enabled',
    ],
    [{ play_id: 'p', repository: 'o/r', tasks: [{ id: 1, title: 't', priority: 'high' }] }, 'tasks[0].priority'],
    [{ play_id: 'p'.repeat(129), repository: 'o/r' }, 'play_id'],
    [{ play_id: 'p', repository: `o/${'r'.repeat(2049)}` }, 'repository'],
    [{ play_id: 'p', repository: 'o/r', service: 's'.repeat(254) }, 'service'],
    [{ play_id: 'p', repository: 'o/r', tasks: [{ id: 1, title: 'a\nb' }] }, 'tasks[0].title'],
    [{ play_id: 'p', repository: 'o/r', tasks: [{ id: 'x y', title: 't' }] }, 'tasks[0].id'],
    [{ play_id: 'p', repository: 'o/r', cto_config: { agents: { 'bad name': {} } } }, 'cto_config.agents'],
    [
      { play_id: 'p', repository: 'o/r', cto_config: { remediation: { mode: { nested: true } } } },
      'cto_config.remediation.mode',
    ],
    [
      { play_id: 'p', repository: 'o/r', cto_config: { remediation: { allowedPaths: [['x']] } } },
      'cto_config.remediation.allowedPaths[0]',
    ],
    [{ play_id: 'p', repository: 'o/r', cto_config: { remediation: { 'a.b': 1 } } }, 'cto_config.remediation'],
  ])('rejects %j naming %s', (body, field) => {
    expect(fieldOf(body)).toBe(field);
  });

  test('remediation settings of the usual shapes pass through unchanged', () => {
    const remediation = { mode: 'coderun', requireApproval: true, maxIterations: 2, deniedPaths: ['.github/**'] };
    expect(
      normaliseSessionPayload({ play_id: 'p', repository: 'o/r', cto_config: { remediation } }).remediation,
    ).toEqual(remediation);
  });

  test('a session past 256 KB is refused naming its largest part', () => {
    const tasks = Array.from({ length: 900 }, (_, i) => ({ id: i, title: 't'.repeat(400) }));
    expect(fieldOf({ play_id: 'p', repository: 'o/r', tasks })).toBe('tasks');
  });
});
