import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node built-ins: deterministic code (core/, workflows/) must not reach the file system, clock or network.
const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'];
const folders = (...names) => names.flatMap((name) => [`**/${name}`, `**/${name}/**`, `${name}`, `${name}/**`]);

// The layers, bottom up: core/ (with core/contract) ← workflows/ ← activities/ ← workers, api, scanner, cli.
// Each rule says which imports a layer may not make; `npm test` fails on a violation
// (test/unit/layers.test.ts shows each rule firing).
const NO_TEST_CODE = { group: folders('test'), message: 'production code must not import test code' };
const CORE_UPWARD = {
  group: folders('workflows', 'activities', 'workers', 'api', 'cli', 'scanner', 'runtime', 'scripts'),
  message: 'core/ is the bottom layer: it imports only core/ (and the contract in core/contract)',
};
const WORKFLOW_ONLY_CORE = {
  group: folders('workers', 'api', 'cli', 'scanner', 'runtime', 'scripts'),
  message: 'workflows import only core/, the contract and @temporalio/workflow',
};
const ACTIVITIES_BY_TYPE = {
  group: folders('activities'),
  allowTypeImports: true,
  message: 'workflows import activities by type only (proxyActivities<typeof …>)',
};
const DETERMINISTIC = { group: NODE_BUILTINS, message: 'no Node built-ins in deterministic code' };

export const layerRules = {
  core: [DETERMINISTIC, CORE_UPWARD, NO_TEST_CODE],
  workflows: [DETERMINISTIC, ACTIVITIES_BY_TYPE, WORKFLOW_ONLY_CORE, NO_TEST_CODE],
  production: [NO_TEST_CODE],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-bench/',
      'node_modules/',
      '.bin/',
      '.healer/',
      'coverage/',
      '**/*.js',
      '**/*.mjs',
      '.tmp*/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // A promise nobody awaits loses its error; in a workflow it also hides a missed await on an activity.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: [
      'activities/**/*.ts',
      'api/**/*.ts',
      'cli/**/*.ts',
      'runtime/**/*.ts',
      'scanner/**/*.ts',
      'workers/**/*.ts',
      'scripts/**/*.ts',
    ],
    ignores: ['scripts/bench/**', 'scripts/chaos/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: layerRules.production }] },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: layerRules.core }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'pass values in: core/ is deterministic' },
        { object: 'Date', property: 'now', message: 'pass time in: core/ is deterministic' },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: layerRules.workflows }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'use the workflow sandbox (deterministic) or pass values in' },
        { object: 'Date', property: 'now', message: 'use new Date() in workflows (replay-safe) or pass time in' },
      ],
    },
  },
);
