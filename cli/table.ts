// Plain-text tables for the CLI: columns padded to their widest cell, the last one left ragged.
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const last = header.length - 1;
  const widths = header.map((h, i) => (i === last ? 0 : Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === last ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [header, ...rows].map(line).join('\n');
}
