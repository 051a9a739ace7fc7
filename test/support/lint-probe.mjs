// Lints virtual files with the project's ESLint configuration and prints each one's import-rule messages
// as JSON. Run as its own process: ESLint loads eslint.config.mjs with a dynamic import, which jest's VM lacks.
// stdin: [{ "filePath": "core/x.ts", "code": "import …" }, …]   stdout: [["message", …], …]
import { ESLint } from 'eslint';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const probes = JSON.parse(
  await new Promise((resolve) => {
    let text = '';
    process.stdin.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
  }),
);
// Import rules need no type information; without it the probes can be virtual files.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});
const results = [];
for (const { filePath, code } of probes) {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, { filePath: join(root, filePath) });
  results.push(result.messages.filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message));
}
process.stdout.write(JSON.stringify(results));
