import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberFlag, parseFlags } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/errors.js';

const OPTIONS = { alpha: { type: 'string' }, json: { type: 'boolean' } } as const;

test('a negative number after a flag that takes a value is that value, so its range check can name the problem', () => {
  assert.equal(parseFlags(['--alpha', '-1'], OPTIONS).values.alpha, '-1');
  assert.equal(parseFlags(['--alpha', '-.5'], OPTIONS).values.alpha, '-.5');
  assert.throws(() => numberFlag('alpha', '-1', { min: 0, max: 1 }), (e: unknown) => e instanceof UsageError && e.message === '--alpha must be a number in 0..1, got "-1"');
});

test('a dash that is not a number is still an option, and a boolean flag never takes a value', () => {
  assert.throws(() => parseFlags(['--alpha', '--json'], OPTIONS), UsageError);
  assert.throws(() => parseFlags(['--json', '-1'], OPTIONS, true), /Unknown option '-1'/);
});
