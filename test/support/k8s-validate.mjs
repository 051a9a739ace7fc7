// Validates Kubernetes objects against the JSON schemas generated from the Kubernetes OpenAPI spec
// (the `kubernetes-models` package's compiled validators). ESM-only, so jest runs it as a child:
// stdin: JSON [{ id, doc }], stdout: JSON [{ id, error? }].
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const { id, doc } of input) {
  const apiVersion = String(doc?.apiVersion ?? '');
  const kind = String(doc?.kind ?? '');
  // "apps/v1" -> kubernetes-models/apps/v1, "v1" -> kubernetes-models/v1
  const modulePath = `kubernetes-models/${apiVersion}`;
  let Model;
  try {
    Model = (await import(modulePath))[kind];
  } catch (error) {
    results.push({ id, error: `no schema module for apiVersion ${JSON.stringify(apiVersion)}: ${error.message}` });
    continue;
  }
  if (typeof Model !== 'function') {
    results.push({ id, error: `no schema for ${apiVersion} ${kind}` });
    continue;
  }
  try {
    new Model(doc).validate();
    results.push({ id });
  } catch (error) {
    results.push({ id, error: error.message });
  }
}
process.stdout.write(JSON.stringify(results));
