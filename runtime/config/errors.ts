// A bad configuration value: the process stops with a message naming the key and what was expected.
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    expected: string,
    got?: string,
  ) {
    super(`configuration ${key}: expected ${expected}${got !== undefined ? `, got ${JSON.stringify(got)}` : ''}`);
    this.name = 'ConfigError';
  }
}
