import { FIELD_RULES, fieldProblem, quoteValue, sanitiseLine } from '../../../core/contract';

describe('edge field rules', () => {
  test('a bad value is quoted to at most ~100 characters, with its length', () => {
    const quoted = quoteValue('x'.repeat(1_000_000));
    expect(quoted.length).toBeLessThan(140);
    expect(quoted).toContain('(1000000 characters)');
    expect(quoteValue('short')).toBe('"short"');
  });

  test.each([
    ['playId', 'p'.repeat(128), undefined],
    ['playId', 'p'.repeat(129), 'must be at most 128 characters, got 129'],
    ['playId', '-leading-dash', 'must be letters'],
    ['incidentId', 'incident-p1-0123456789abcdef', undefined],
    ['incidentId', 'watchdog-cto', 'must be an incident workflow id'],
    ['repository', `${'o'.repeat(100)}/${'r'.repeat(100)}`, undefined],
    ['repository', `o/${'r'.repeat(2049)}`, 'must be at most 201 characters'],
    ['name', 'rex-7d9f8b6c4-x2k9p', undefined],
    ['name', 'rex\nINFO forged line', 'must be letters'],
    ['taskTitle', 'Add the /orders endpoint — with émojis 🚀', undefined],
    ['taskTitle', 'a\u0000b', 'one line of text'],
    ['taskTitle', 'a\uD800b', 'one line of text'],
    ['taskTitle', 'two\nlines', 'one line of text'],
    ['comment', 'two\nlines\tand a tab', undefined],
  ] as const)('%s %j', (rule, value, problem) => {
    const found = fieldProblem(FIELD_RULES[rule], value);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
    expect((found ?? '').length).toBeLessThan(400);
  });

  test('pushed lines lose control characters and unpaired surrogates, keep tabs and emoji', () => {
    expect(sanitiseLine('a\u0000b\u001b[31mc\td 🚀 \uD800 \uDC00')).toBe('a\uFFFDb\uFFFD[31mc\td 🚀 \uFFFD \uFFFD');
  });
});
