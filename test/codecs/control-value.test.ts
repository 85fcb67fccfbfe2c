import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toUnit } from '../../src/codecs/control-value.js';
import { positionArb } from '../support/arbitraries.js';

test('a continuous value is its own position, a discrete one its share of the maximum', () => {
  fc.assert(fc.property(positionArb, (u) => assert.equal(toUnit({ kind: 'continuous', value: u }), u)));
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 16383 }), fc.nat(), (max, k) => {
      const step = k % (max + 1);
      assert.equal(toUnit({ kind: 'discrete', step, max }), step / max);
    }),
  );
});

test('a discrete value whose maximum is 0 sits at 0, not at NaN', () => {
  assert.equal(toUnit({ kind: 'discrete', step: 0, max: 0 }), 0);
});

test('relative and text values have no position: null', () => {
  assert.equal(toUnit({ kind: 'relative', delta: 3 }), null);
  assert.equal(toUnit({ kind: 'text', value: 'warm' }), null);
});
