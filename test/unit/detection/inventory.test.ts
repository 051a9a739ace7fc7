import { parseToolInventory } from '../../../core/detection';

describe('parseToolInventory', () => {
  it.each([
    ['INFO tool inventory: [github_create_pr, brave_search]', { tools: ['brave_search', 'github_create_pr'] }],
    ['tool inventory for Rex: read_file, write_file, read_file', { agent: 'rex', tools: ['read_file', 'write_file'] }],
    [
      'INFO tool inventory reported by rex: github_create_pull_request, brave_search, rustdocs_query',
      { agent: 'rex', tools: ['brave_search', 'github_create_pull_request', 'rustdocs_query'] },
    ],
    [
      '2026-11-22T04:00:00Z {"event":"tool_inventory","agent":"blaze","tools":["shadcn_list","memory_add"]}',
      { agent: 'blaze', tools: ['memory_add', 'shadcn_list'] },
    ],
    ['tool inventory: []', { tools: [] }],
  ])('%s', (line, expected) => {
    expect(parseToolInventory(line)).toEqual(expected);
  });

  it.each([
    'INFO tool inventory: 14 tools reported, 14 declared, 0 missing',
    'ERROR tool inventory mismatch: declared 14, reported 11',
    '{"severity":"ERROR","message":"tool_inventory_mismatch","agent":"cipher","tools":["x"]}',
    'INFO inventory service started',
  ])('ignores %s', (line) => {
    expect(parseToolInventory(line)).toBeUndefined();
  });
});
