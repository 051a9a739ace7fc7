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
  ])('rejects %j naming %s', (body, field) => {
    expect(fieldOf(body)).toBe(field);
  });
});
