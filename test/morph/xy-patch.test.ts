import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { responseDb } from '../../src/eq/response.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import type { Corners } from '../../src/morph/morph-state.js';
import { coonsPoint, padEdges } from '../../src/morph/xy-patch.js';

// A coordinate drawn uniformly on a 0.001 grid, ends included (fc.double's defaults crowd the ends and tiny values).
const unit = fc.integer({ min: 0, max: 1000 }).map((i) => i / 1000);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

test('coonsPoint equals each edge curve on its edge, for any curves that meet at the corners', () => {
  const vec = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 });
  // Edge curves: straight lines between the corners plus a bump of their own that vanishes at both ends.
  fc.assert(
    fc.property(fc.tuple(vec, vec, vec, vec), fc.tuple(vec, vec, vec, vec), unit, unit, ([c1, c2, c3, c4], bumps, x, y) => {
      const edge = (a: number[], b: number[], bump: number[], t: number) => a.map((v, j) => (1 - t) * v + t * b[j]! + Math.sin(Math.PI * t) * bump[j]!);
      const at = (px: number, py: number) =>
        coonsPoint(edge(c1, c2, bumps[0], px), edge(c3, c4, bumps[1], px), edge(c1, c3, bumps[2], py), edge(c2, c4, bumps[3], py), [c1, c2, c3, c4], px, py, new Float64Array(3));
      assert.ok(maxAbsDiff(at(x, 0), edge(c1, c2, bumps[0], x)) < 1e-9);
      assert.ok(maxAbsDiff(at(x, 1), edge(c3, c4, bumps[1], x)) < 1e-9);
      assert.ok(maxAbsDiff(at(0, y), edge(c1, c3, bumps[2], y)) < 1e-9);
      assert.ok(maxAbsDiff(at(1, y), edge(c2, c4, bumps[3], y)) < 1e-9);
    }),
  );
});

// These run against the shipped model (models/default), the one the bridge uses.
let model: EqModel;
let decoder: CachedDecoder;
/** Corner words: a seeded sample of the vocabulary, small enough that every pair's table is built once (each costs ~20 ms). */
let pool: string[];
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  decoder = new CachedDecoder(model, { maxPairs: 200 });
  const picks = fc.sample(fc.shuffledSubarray(model.terms, { minLength: 10, maxLength: 10 }), { numRuns: 1, seed: 14 })[0]!;
  pool = ['warm', 'bright', ...picks.filter((t) => t !== 'warm' && t !== 'bright')].slice(0, 12);
});
const cornerSets = () => fc.tuple(...[0, 1, 2, 3].map(() => fc.constantFrom(...pool))) as unknown as fc.Arbitrary<Corners>;
const ready = (c: Corners) => {
  for (const [a, b] of padEdges(c)) decoder.prepare(a, b);
  return c;
};
const padResponse = (c: Corners, x: number, y: number) => responseDb(decoder.decodeXY(c, x, y), DEFAULT_GRID);

test('each corner of the pad is its word, exactly as the fader has it at its ends', () => {
  fc.assert(
    fc.property(cornerSets(), (c) => {
      ready(c);
      const words = [decoder.decode(c[0], c[1], 0), decoder.decode(c[0], c[1], 1), decoder.decode(c[2], c[3], 0), decoder.decode(c[2], c[3], 1)];
      [[0, 0], [1, 0], [0, 1], [1, 1]].forEach(([x, y], k) => {
        assert.ok(maxAbsDiff(padResponse(c, x!, y!), responseDb(words[k]!, DEFAULT_GRID)) < 1e-6, `corner ${k + 1}`);
      });
    }),
    { numRuns: 40 },
  );
});

test('each edge of the pad is the two-word path between its corners within 0.05 dB', () => {
  fc.assert(
    fc.property(cornerSets(), unit, (c, t) => {
      ready(c);
      const [bottom, top, left, right] = padEdges(c);
      const path = ([a, b]: readonly [string, string], at: number) => responseDb(decoder.decode(a, b, at), DEFAULT_GRID);
      assert.ok(maxAbsDiff(padResponse(c, t, 0), path(bottom, t)) <= 0.05, 'bottom');
      assert.ok(maxAbsDiff(padResponse(c, t, 1), path(top, t)) <= 0.05, 'top');
      assert.ok(maxAbsDiff(padResponse(c, 0, t), path(left, t)) <= 0.05, 'left');
      assert.ok(maxAbsDiff(padResponse(c, 1, t), path(right, t)) <= 0.05, 'right');
    }),
    { numRuns: 60 },
  );
});

// Inside the pad a point blends the settings of all four edges, and a step there can move the response much more than
// a step along any edge: the two-word paths between these corner words move at most 0.23 dB per 0.01 (bright -> huge),
// the pad up to 1.15 dB (uniforme, raspy, grating, uniforme at 0.657, 0.508, along y), the largest found by 3.6 million
// random steps and a local search from the largest (a search, not every step); about one step in 9,000 is over 0.5 dB.
test('a 0.01 move in x or y changes the pad response by at most 1.5 dB anywhere, for random corner sets', () => {
  fc.assert(
    fc.property(cornerSets(), unit, unit, fc.boolean(), (c, x, y, alongX) => {
      ready(c);
      const [x2, y2] = alongX ? [Math.min(1, x + 0.01), y] : [x, Math.min(1, y + 0.01)];
      const step = maxAbsDiff(padResponse(c, x, y), padResponse(c, x2, y2));
      assert.ok(step <= 1.5, `${c.join(',')} at ${x},${y} ${alongX ? 'x' : 'y'}: ${step.toFixed(3)} dB`);
    }),
    {
      numRuns: 300,
      examples: [
        [['uniforme', 'warm', 'bright', 'blaring'], 0.177, 0.424, true],
        [['wild', 'uniforme', 'uniforme', 'raspy'], 0.754, 0.482, false],
        [['uniforme', 'raspy', 'grating', 'uniforme'], 0.657, 0.508, false],
      ],
    },
  );
});

test('the pad answers at once for corners whose tables are not built yet, near the built pad (within 1.5 dB)', () => {
  const fresh = new CachedDecoder(model);
  const c = pool.slice(0, 4) as unknown as Corners;
  const early = responseDb(fresh.decodeXY(c, 0.3, 0.7), DEFAULT_GRID);
  for (const [a, b] of padEdges(c)) fresh.prepare(a, b);
  // The first answers are straightened samples, as for a pair (cached-decoder.test.ts); the tables are fitted chains.
  const gap = maxAbsDiff(early, responseDb(fresh.decodeXY(c, 0.3, 0.7), DEFAULT_GRID));
  assert.ok(gap <= 1.5, `${gap.toFixed(3)} dB`); // 1.0 dB measured for the first four words of the pool
});
