// The unit helpers: the casts that name a number's unit leave the number as it is; clamp and octaves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alpha, clamp, db, hz, normal, octaves, q } from '../../src/eq/units.js';

test('naming a unit keeps the number: db, hz, q, alpha and normal return their argument', () => {
  const values = [-12.5, 0, 0.37, 1000, Number.MIN_VALUE];
  for (const cast of [db, hz, q, alpha, normal]) for (const v of values) assert.ok(Object.is(cast(v), v), `${cast.name}(${v})`);
});

test('clamp holds a value to its range; octaves is the absolute log2 ratio', () => {
  assert.deepEqual([clamp(-1, 0, 1), clamp(0.25, 0, 1), clamp(2, 0, 1), clamp(0, 0, 1), clamp(1, 0, 1)], [0, 0.25, 1, 0, 1]);
  assert.deepEqual([octaves(100, 400), octaves(400, 100), octaves(1000, 1000), octaves(1000, 500)], [2, 2, 0, 1]);
});
