// A process with the Temporal runtime's Prometheus exporter on (the same Runtime.install a worker
// does), connected to the test dev server. Prints "ready" once connected; exits when stdin closes.
// Env: TEMPORAL_ADDRESS, TELEMETRY_OPTIONS (JSON of runtime/metrics temporalPrometheusTelemetry()).
const { NativeConnection, Runtime } = require('@temporalio/worker');

Runtime.install({ telemetryOptions: JSON.parse(process.env.TELEMETRY_OPTIONS) });

NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS }).then(
  (connection) => {
    process.stdout.write('ready\n');
    process.stdin.resume();
    process.stdin.once('end', () => connection.close().then(() => process.exit(0)));
  },
  (error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
