#!/usr/bin/env node
// Runs the compiled CLI (dist/). `npm run build` produces it; `npm run demo` builds first.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('healer: not built yet; run `npm run build` first\n');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
