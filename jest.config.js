/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    // TypeScript and the ESM-only clients (Octokit, the Kubernetes client) are compiled to CommonJS by swc.
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(content-type|@octokit|universal-user-agent|before-after-hook|fast-content-type-parse|@kubernetes|openid-client|oauth4webapi|jose|hpagent|isomorphic-ws|stream-buffers|rfc4648|jsonpath-plus|@jsep-plugin|jsep)/)',
  ],
  // Exported for `import` only (no `require` condition): jest's CommonJS resolver needs the file named.
  moduleNameMapper: {
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};
