// Healer's configuration: one HealerConfig per process, parsed and validated once by loadConfig from the
// environment (CONFIG_ENV_VARS), cto-config.json and the defaults, then passed down.
export { loadConfig } from './load';
export { ConfigError } from './errors';
export { describeConfig, type ConfigRow } from './describe';
export { CONFIG_ENV_VARS, envVarsFor, type Component, type EnvVarName, type EnvVarSpec } from './env-vars';
export { childProcessEnv, temporalCliFromEnv } from './environment';
export type { Env } from './reader';
export type {
  ApiScope,
  ApiToken,
  CiSettings,
  HealerConfig,
  LogFormat,
  LogLevel,
  ScannerSettings,
  ValueSource,
} from './types';
