import { devServerArgs } from '../../runtime/dev-server';

const pragmas = (args: string[]): string[] => args.flatMap((a, i) => (args[i - 1] === '--sqlite-pragma' ? [a] : []));

describe('dev server arguments', () => {
  it('persists to the SQLite file in WAL mode without an fsync per commit, with the search attributes', () => {
    const args = devServerArgs({
      dbFile: '/tmp/x.db',
      port: 7300,
      headless: true,
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 120 },
    });
    expect(args.slice(0, 8)).toEqual([
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      '7300',
      '--db-filename',
      '/tmp/x.db',
    ]);
    expect(pragmas(args)).toEqual(['journal_mode=wal', 'synchronous=normal']);
    expect(args).toContain('HealerPlayId=Keyword');
    expect(args).toContain('limit.historyCount.suggestContinueAsNew=120');
    expect(args).toContain('--headless');
  });

  it('leaves SQLite on its own defaults when asked to', () => {
    expect(pragmas(devServerArgs({ dbFile: '/tmp/x.db', sqlitePragmas: {} }))).toEqual([]);
    expect(pragmas(devServerArgs({ dbFile: '/tmp/x.db', sqlitePragmas: { synchronous: 'full' } }))).toEqual([
      'synchronous=full',
    ]);
  });
});
