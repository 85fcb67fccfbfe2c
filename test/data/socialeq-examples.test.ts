import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PARAMS } from '../../src/eq/bands.js';
import { normalise, type NormStats } from '../../src/data/normalise.js';
import { copiesFor, socialEqExamples, wordWeight, type WordSettings } from '../../src/data/socialeq-examples.js';

// Statistics shaped like SAFE-DB's: gains spread by ~5 dB, frequencies and Q by under an octave (log2 space).
const stats: NormStats = {
  mean: PARAMS.map((p) => (p.kind === 'gain' ? 0 : Math.log2(Math.sqrt(p.range.min * p.range.max)))),
  std: PARAMS.map((p) => (p.kind === 'gain' ? 5 : 0.7)),
};

const settings = fc.tuple(...PARAMS.map((p) => fc.double({ min: p.range.min, max: p.range.max, noNaN: true })));

const word = (params: number[], contributors = 4, agreement = 0.8, term = 'boomy'): WordSettings => ({ term, params, contributors, agreement });

const isSortedPeaking = (p: readonly number[]) => p[3]! <= p[6]! && p[6]! <= p[9]!;
const sortedSettings = settings.map((p) => {
  const tri = [[p[2], p[3], p[4]], [p[5], p[6], p[7]], [p[8], p[9], p[10]]].sort((a, b) => a[1]! - b[1]!);
  return [p[0], p[1], ...tri.flat(), p[11], p[12]] as number[];
});

test('a word weighs between 0 and 1, more with more contributors and with more agreement', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n1, n2, a1, a2) => {
      const w = wordWeight(n1, a1);
      assert.ok(w >= 0 && w <= 1);
      if (n1 <= n2) assert.ok(wordWeight(n1, a1) <= wordWeight(n2, a1) + 1e-12);
      if (a1 <= a2) assert.ok(wordWeight(n1, a1) <= wordWeight(n1, a2) + 1e-12);
    }),
  );
});

test('every word gets at least two copies (a positive pair) and at most maxCopies', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 2, max: 10 }), (n, a, max) => {
      const c = copiesFor(n, a, max);
      assert.ok(Number.isInteger(c) && c >= 2 && c <= max);
    }),
  );
  assert.ok(copiesFor(30, 1, 4) > copiesFor(2, 0.5, 4), 'a well-supported word gets more copies than a thin one');
});

test("a word's first example is its fitted settings exactly, the rest are labelled copies near it", () => {
  fc.assert(
    fc.property(sortedSettings, (params) => {
      const ex = socialEqExamples([word(params)], stats, { maxCopies: 4, jitter: 0.1, seed: 7 });
      assert.equal(ex.length, copiesFor(4, 0.8, 4));
      assert.ok(ex.every((e) => e.term === 'boomy'));
      ex[0]!.params.forEach((v, i) => assert.ok(Math.abs(v - params[i]!) <= 1e-9 * Math.max(1, Math.abs(v))));
    }),
    { numRuns: 50 },
  );
});

test('for all settings and jitter, every example is within the band ranges with its peaking bands in ascending frequency', () => {
  fc.assert(
    fc.property(settings, fc.double({ min: 0, max: 3, noNaN: true }), fc.integer(), (params, jitter, seed) => {
      for (const e of socialEqExamples([word(params as number[], 30, 1)], stats, { maxCopies: 6, jitter, seed })) {
        e.params.forEach((v, i) => assert.ok(v >= PARAMS[i]!.range.min && v <= PARAMS[i]!.range.max, `${PARAMS[i]!.name} = ${v}`));
        assert.ok(isSortedPeaking(e.params));
      }
    }),
    { numRuns: 100 },
  );
});

test('jitter 0 gives identical copies; the copies spread in proportion to the jitter, in the normalised space', () => {
  const params = [3, 150, -2, 400, 1.5, 1, 1500, 2, 4, 5000, 1, -3, 8000];
  const copies = (jitter: number) => socialEqExamples([word(params, 1000, 1)], stats, { maxCopies: 400, jitter, seed: 3 }).slice(1);
  const still = copies(0);
  for (const e of still) assert.deepEqual(e.params, still[0]!.params);
  // The mean absolute normal deviation is jitter * sqrt(2 / pi); 399 copies x 13 parameters pin it to a few per cent.
  const spread = (jitter: number) => {
    const z0 = normalise(params, stats);
    const devs = copies(jitter).flatMap((e) => normalise(e.params, stats).map((v, i) => Math.abs(v - z0[i]!)));
    return devs.reduce((a, b) => a + b, 0) / devs.length;
  };
  const expected = 0.05 * Math.sqrt(2 / Math.PI);
  assert.ok(Math.abs(spread(0.05) - expected) < 0.1 * expected, `spread ${spread(0.05)} vs ${expected}`);
});

test('the same words, statistics and seed give the same examples; another seed moves the jittered copies', () => {
  const words = [word([3, 150, -2, 400, 1.5, 1, 1500, 2, 4, 5000, 1, -3, 8000]), word([-4, 90, 1, 300, 1, 2, 900, 1, 0, 3000, 2, 2, 6000], 2, 0.5, 'thin')];
  const a = socialEqExamples(words, stats, { maxCopies: 4, jitter: 0.2, seed: 1 });
  assert.deepEqual(socialEqExamples(words, stats, { maxCopies: 4, jitter: 0.2, seed: 1 }), a);
  const b = socialEqExamples(words, stats, { maxCopies: 4, jitter: 0.2, seed: 2 });
  assert.notDeepEqual(b[1]!.params, a[1]!.params);
  assert.deepEqual(b[0]!.params, a[0]!.params);
});
