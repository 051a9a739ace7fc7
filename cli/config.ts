// `healer config`: the effective configuration with secrets masked, and where each value came from.
import { describeConfig, type HealerConfig } from '../runtime/config';
import type { CliIo } from './io';
import { formatTable } from './table';

type Row = ReturnType<typeof describeConfig>[number];

const sourceOf = (row: Row): string => (row.source === 'env' && row.env ? `env ${row.env}` : row.source);

export function printConfig(config: HealerConfig, io: Pick<CliIo, 'stdout'>, opts: { json?: boolean }): number {
  const rows = describeConfig(config);
  const text = opts.json
    ? JSON.stringify(rows, null, 2)
    : formatTable(
        ['KEY', 'SOURCE', 'VALUE'],
        rows.map((row) => [row.key, sourceOf(row), row.value]),
      );
  io.stdout.write(`${text}\n`);
  return 0;
}
