// The scanner as its own process (`healer scanner` from the TypeScript sources, compiled on load by the
// same swc jest uses), configured only by its environment like the deployed one: HEALER_STATE_DIR (the
// PersistentVolume), HEALER_LOG_FILE and HEALER_LOG_LABELS, TEMPORAL_ADDRESS. Prints `started`.
require('./swc-register');

const { loadConfig } = require('../../runtime/config');
const { runScannerFromConfig } = require('../../scanner/scanner');

runScannerFromConfig(loadConfig(), undefined, () => undefined).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
process.stdout.write('started\n');
