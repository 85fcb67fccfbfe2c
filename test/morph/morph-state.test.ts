// Specifications of a morph instance's state: which control the EQ follows, strength and bypass, and state equality.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Band } from '../../src/eq/bands.js';
import type { Db, Hz, Q } from '../../src/eq/units.js';
import { cornersOf, decodeState, morphBands, sameState, type BandDecoder, type Corners, type MorphState } from '../../src/morph/morph-state.js';
import { strengthArb } from '../support/arbitraries.js';

const band = (gain: number, freq: number, q: number): Band => ({ type: 'peaking', gain: gain as Db, freq: freq as Hz, q: q as Q });

/** Each path answers with one band whose gain says which path it was and whose freq and q carry the arguments. */
const calls: string[] = [];
const decoder: Required<Pick<BandDecoder, 'decode' | 'decodeXY' | 'decodeMap'>> = {
  decode: (a, b, alpha) => (calls.push(`pair ${a} ${b} ${alpha}`), [band(1, 100, 1)]),
  decodeXY: (corners, x, y) => (calls.push(`xy ${corners.join(' ')} ${x} ${y}`), [band(2, 100, 1)]),
  decodeMap: (x, y) => (calls.push(`map ${x} ${y}`), [band(3, 100, 1)]),
};
const pairOnly: BandDecoder = { decode: decoder.decode };
const base: MorphState = { termA: 'warm', termB: 'bright', alpha: 0.25, strength: 1, bypass: false };
const decoded = (s: MorphState, d: BandDecoder = decoder) => {
  calls.length = 0;
  decodeState(s, d);
  return calls.join('; ');
};

test('corners default to the pair on both rows; given corners are kept', () => {
  assert.deepEqual(cornersOf(base), ['warm', 'bright', 'warm', 'bright']);
  const corners: Corners = ['a', 'b', 'c', 'd'];
  assert.equal(cornersOf({ ...base, corners }), corners);
});

test('the state follows the fader, the pad or the map by its mode, each point defaulting to the middle', () => {
  assert.equal(decoded(base), 'pair warm bright 0.25');
  assert.equal(decoded({ ...base, mode: 'pair', x: 0.1 }), 'pair warm bright 0.25');
  assert.equal(decoded({ ...base, mode: 'xy' }), 'xy warm bright warm bright 0.5 0.5');
  assert.equal(decoded({ ...base, mode: 'xy', corners: ['a', 'b', 'c', 'd'], x: 0.1, y: 0.9 }), 'xy a b c d 0.1 0.9');
  assert.equal(decoded({ ...base, mode: 'map' }), 'map 0.5 0.5');
  assert.equal(decoded({ ...base, mode: 'map', mapX: 0.2, mapY: 0.7 }), 'map 0.2 0.7');
});

test('a decoder without a pad or a map decodes the pair in those modes', () => {
  assert.equal(decoded({ ...base, mode: 'xy', x: 0.1 }, pairOnly), 'pair warm bright 0.25');
  assert.equal(decoded({ ...base, mode: 'map', mapX: 0.1 }, pairOnly), 'pair warm bright 0.25');
});

test('for any strength: gains are scaled by it, frequency and Q kept; bypass sets every gain to 0 dB and keeps the rest', () => {
  const scaled: BandDecoder = { decode: () => [band(-6, 200, 0.7), band(9, 3000, 2)] };
  fc.assert(
    fc.property(strengthArb, (strength) => {
      assert.deepEqual(morphBands({ ...base, strength }, scaled), [band(-6 * strength + 0, 200, 0.7), band(9 * strength, 3000, 2)]);
      assert.deepEqual(morphBands({ ...base, strength, bypass: true }, scaled), [band(0, 200, 0.7), band(0, 3000, 2)]);
    }),
  );
});

test('states are the same exactly when every field is; no mode counts as the fader, corners compare by their words', () => {
  assert.equal(sameState(base, { ...base }), true);
  assert.equal(sameState(base, { ...base, mode: 'pair' }), true);
  assert.equal(sameState({ ...base, corners: ['a', 'b', 'c', 'd'] }, { ...base, corners: ['a', 'b', 'c', 'd'] }), true);
  const changes: Partial<MorphState>[] = [
    { termA: 'x' },
    { termB: 'x' },
    { alpha: 0.5 },
    { strength: 0.5 },
    { bypass: true },
    { mode: 'xy' },
    { corners: ['a', 'b', 'c', 'd'] },
    { x: 0.5 },
    { y: 0.5 },
    { mapX: 0.5 },
    { mapY: 0.5 },
  ];
  for (const change of changes) {
    assert.equal(sameState(base, { ...base, ...change }), false, JSON.stringify(change));
    assert.equal(sameState({ ...base, ...change }, base), false, JSON.stringify(change));
  }
  assert.equal(sameState({ ...base, corners: ['a', 'b', 'c', 'd'] }, { ...base, corners: ['a', 'b', 'c', 'e'] }), false);
});
