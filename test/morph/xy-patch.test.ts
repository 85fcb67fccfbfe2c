import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { maxAbsDiffDb, responseDb } from '../../src/eq/response.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import type { Corners } from '../../src/morph/morph-state.js';
import { BuildScheduler } from '../../src/morph/build-scheduler.js';
import { PAD_GRID_CELLS } from '../../src/morph/pad-grid.js';
import { coonsPoint, GRID_FADE_TRAVEL, padEdges } from '../../src/morph/xy-patch.js';
import { describeStep, steepestStep } from '../support/steepest-step.js';

// A coordinate drawn uniformly on a 0.001 grid, ends included (fc.double's defaults crowd the ends and tiny values).
const unit = fc.integer({ min: 0, max: 1000 }).map((i) => i / 1000);
test('coonsPoint equals each edge curve on its edge, for any curves that meet at the corners', () => {
  const vec = fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 });
  // Edge curves: straight lines between the corners plus a bump of their own that vanishes at both ends.
  fc.assert(
    fc.property(fc.tuple(vec, vec, vec, vec), fc.tuple(vec, vec, vec, vec), unit, unit, ([c1, c2, c3, c4], bumps, x, y) => {
      const edge = (a: number[], b: number[], bump: number[], t: number) => a.map((v, j) => (1 - t) * v + t * b[j]! + Math.sin(Math.PI * t) * bump[j]!);
      const at = (px: number, py: number) =>
        coonsPoint(edge(c1, c2, bumps[0], px), edge(c3, c4, bumps[1], px), edge(c1, c3, bumps[2], py), edge(c2, c4, bumps[3], py), [c1, c2, c3, c4], px, py, new Float64Array(3));
      assert.ok(maxAbsDiffDb(at(x, 0), edge(c1, c2, bumps[0], x)) < 1e-9);
      assert.ok(maxAbsDiffDb(at(x, 1), edge(c3, c4, bumps[1], x)) < 1e-9);
      assert.ok(maxAbsDiffDb(at(0, y), edge(c1, c3, bumps[2], y)) < 1e-9);
      assert.ok(maxAbsDiffDb(at(1, y), edge(c2, c4, bumps[3], y)) < 1e-9);
    }),
  );
});

// These run against the shipped model (models/default), the one the bridge uses.
let model: EqModel;
let decoder: CachedDecoder;
/** Corner words: a seeded sample of the vocabulary (each pair's table costs ~80 ms, each corner set's grid ~70 ms). */
let pool: string[];
/**
 * Corner sets: the three where the pad's parameter patch stepped furthest (a cancelling pair of bands blended into
 * other edges' bands), and a seeded sample of sets of the pool's words: each set's grid is built once and kept for
 * every property below.
 */
const WORST: readonly Corners[] = [
  ['uniforme', 'raspy', 'grating', 'uniforme'],
  ['wild', 'uniforme', 'uniforme', 'raspy'],
  ['uniforme', 'warm', 'bright', 'blaring'],
];
let sets: Corners[];
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  const picks = fc.sample(fc.shuffledSubarray(model.terms, { minLength: 10, maxLength: 10 }), { numRuns: 1, seed: 14 })[0]!;
  pool = ['warm', 'bright', ...picks.filter((t) => t !== 'warm' && t !== 'bright')].slice(0, 12);
  sets = [...WORST, ...fc.sample(fc.tuple(...[0, 1, 2, 3].map(() => fc.constantFrom(...pool))), { numRuns: 9, seed: 7 })] as Corners[];
  decoder = new CachedDecoder(model, { maxPairs: 200, maxPads: sets.length });
});
const cornerSets = () => fc.constantFrom(...sets);
/** The corner set's edge tables and grid, built now, as the bridge has them once its background builds are done. */
const ready = (c: Corners) => {
  decoder.preparePad(c);
  assert.ok(decoder.padReady(c));
  return c;
};
const padResponse = (c: Corners, x: number, y: number) => responseDb(decoder.decodeXY(c, x, y), DEFAULT_GRID);
const stepDb = (c: Corners, x: number, y: number, alongX: boolean) => {
  const [x2, y2] = alongX ? [Math.min(1, x + 0.01), y] : [x, Math.min(1, y + 0.01)];
  return maxAbsDiffDb(padResponse(c, x, y), padResponse(c, x2, y2));
};

test('each corner of the pad is its word, exactly as the fader has it at its ends', () => {
  fc.assert(
    fc.property(cornerSets(), (c) => {
      ready(c);
      const words = [decoder.decode(c[0], c[1], 0), decoder.decode(c[0], c[1], 1), decoder.decode(c[2], c[3], 0), decoder.decode(c[2], c[3], 1)];
      [[0, 0], [1, 0], [0, 1], [1, 1]].forEach(([x, y], k) => {
        assert.ok(maxAbsDiffDb(padResponse(c, x!, y!), responseDb(words[k]!, DEFAULT_GRID)) < 1e-6, `corner ${k + 1}`);
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
      assert.ok(maxAbsDiffDb(padResponse(c, t, 0), path(bottom, t)) <= 0.05, 'bottom');
      assert.ok(maxAbsDiffDb(padResponse(c, t, 1), path(top, t)) <= 0.05, 'top');
      assert.ok(maxAbsDiffDb(padResponse(c, 0, t), path(left, t)) <= 0.05, 'left');
      assert.ok(maxAbsDiffDb(padResponse(c, 1, t), path(right, t)) <= 0.05, 'right');
    }),
    { numRuns: 60 },
  );
});

// The patch of the edges' parameters strays up to 5.8 dB from the blend of their sounds (7.5 dB over the first of WORST);
// the grid's fits follow it within 1.2 dB over 40 random corner sets (docs/model.md).
test('inside the pad, the response is within 2 dB of the Coons blend of the four edges\' responses', () => {
  fc.assert(
    fc.property(cornerSets(), unit, unit, (c, x, y) => {
      ready(c);
      const [bottom, top, left, right] = padEdges(c).map(([a, b]) => (t: number) => responseDb(decoder.decode(a, b, t), DEFAULT_GRID));
      const blend = coonsPoint(bottom!(x), top!(x), left!(y), right!(y), [bottom!(0), bottom!(1), top!(0), top!(1)], x, y, new Float64Array(DEFAULT_GRID.length));
      const gap = maxAbsDiffDb(padResponse(c, x, y), blend);
      assert.ok(gap <= 2, `${c.join(',')} at ${x},${y}: ${gap.toFixed(3)} dB`);
    }),
    { numRuns: 100 },
  );
});

// The pad's parameter patch alone moved up to 1.15 dB per 0.01 inside the pad at these points (one random step in
// 9,000 over 0.5 dB); the grid's pad (fits to the blend of the edges' sounds) moves at most 0.3 dB in a random search
// of a million steps over random corner sets (docs/model.md).
test('a 0.01 move in x or y changes the pad response by at most 0.5 dB anywhere, for random corner sets', () => {
  fc.assert(
    fc.property(cornerSets(), unit, unit, fc.boolean(), (c, x, y, alongX) => {
      ready(c);
      const step = stepDb(c, x, y, alongX);
      assert.ok(step <= 0.5, `${c.join(',')} at ${x},${y} ${alongX ? 'x' : 'y'}: ${step.toFixed(3)} dB`);
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

test('over the corner set where the parameter patch stepped furthest, no 0.01 move on a 0.01 lattice, nor near the largest of them, changes the response by over 0.5 dB', () => {
  const c = ready(WORST[0]!);
  const worst = steepestStep((x, y) => padResponse(c, x, y));
  assert.ok(worst.step <= 0.5, describeStep(worst));
});

test("the pad answers at once before its tables and its grid are built, near the built pad; the grid is built in the scheduler's slices, one fit each", () => {
  const queued: (() => void)[] = [];
  let clock = 0;
  // Every reading of the clock is a millisecond later: a turn runs one slice (the budget is half a millisecond).
  const scheduler = new BuildScheduler({ now: () => clock++, defer: (fn) => void queued.push(fn) });
  const fresh = new CachedDecoder(model, { scheduler });
  const c = pool.slice(0, 4) as unknown as Corners;
  const early = responseDb(fresh.decodeXY(c, 0.3, 0.7), DEFAULT_GRID);
  for (const [a, b] of padEdges(c)) fresh.prepare(a, b);
  // The edge tables built: the pad is the patch of their parameters while the grid's build is queued.
  const patch = responseDb(fresh.decodeXY(c, 0.3, 0.7), DEFAULT_GRID);
  assert.equal(fresh.padReady(c), false);
  assert.equal(scheduler.pending, 1);
  let turns = 0;
  while (scheduler.pending > 0) {
    assert.equal(fresh.padReady(c), false);
    queued.shift()!();
    turns++;
  }
  assert.ok(fresh.padReady(c));
  assert.equal(scheduler.stats.slices, turns);
  assert.ok(turns > (PAD_GRID_CELLS - 1) ** 2, `${turns} slices`);
  const built = responseDb(fresh.decodeXY(c, 0.3, 0.7), DEFAULT_GRID);
  // The first answers are straightened samples, as for a pair (cached-decoder.test.ts); the tables are fitted chains,
  // and the grid's fits follow the blend of the edges' sounds where the patch blends their bands.
  const [gapEarly, gapPatch] = [maxAbsDiffDb(early, built), maxAbsDiffDb(patch, built)];
  assert.ok(gapEarly <= 1.5 && gapPatch <= 1.5, `${gapEarly.toFixed(3)} and ${gapPatch.toFixed(3)} dB`); // 1.00 and 0.87 dB measured
});

test('a grid that arrives while the pad is played takes over along the pad\'s travel: no jump, then the grid itself', () => {
  const queued: (() => void)[] = [];
  const scheduler = new BuildScheduler({ now: () => 0, defer: (fn) => void queued.push(fn) });
  const played = new CachedDecoder(model, { scheduler });
  const c = pool.slice(0, 4) as unknown as Corners;
  for (const [a, b] of padEdges(c)) played.prepare(a, b);
  // The pad played with the patch while its grid builds, then still at the same point when the grid is in.
  const before = responseDb(played.decodeXY(c, 0.3, 0.7), DEFAULT_GRID);
  while (queued.length > 0) queued.shift()!();
  assert.ok(played.padReady(c));
  const reference = new CachedDecoder(model);
  for (const [a, b] of padEdges(c)) reference.prepare(a, b);
  reference.preparePad(c);
  const grid = (x: number, y: number) => responseDb(reference.decodeXY(c, x, y), DEFAULT_GRID);
  const gap = maxAbsDiffDb(before, grid(0.3, 0.7));
  assert.ok(gap > 0.5, `the grid and the patch differ here by ${gap.toFixed(3)} dB`); // 0.87 dB measured
  assert.ok(maxAbsDiffDb(responseDb(played.decodeXY(c, 0.3, 0.7), DEFAULT_GRID), before) < 1e-9, 'held still, the pad keeps its sound');
  // Moved on in 0.01 steps: each step within 0.5 dB, and from GRID_FADE_TRAVEL on the grid's own answer.
  let last = before;
  for (let k = 1; k <= 40; k++) {
    const x = 0.3 + 0.01 * k;
    const now = responseDb(played.decodeXY(c, x, 0.7), DEFAULT_GRID);
    assert.ok(maxAbsDiffDb(now, last) <= 0.5, `step ${k}: ${maxAbsDiffDb(now, last).toFixed(3)} dB`);
    if (0.01 * k >= GRID_FADE_TRAVEL - 1e-9) assert.ok(maxAbsDiffDb(now, grid(x, 0.7)) < 1e-9, `at ${x.toFixed(2)} the pad is the grid`);
    else assert.ok(maxAbsDiffDb(now, grid(x, 0.7)) > 1e-6, `at ${x.toFixed(2)} the grid is still fading in`);
    last = now;
  }
  // Other corners picked, then these again: their grid is read as it is, from the first answer.
  const other = pool.slice(4, 8) as unknown as Corners;
  for (const [a, b] of padEdges(other)) played.prepare(a, b);
  played.decodeXY(other, 0.5, 0.5);
  assert.ok(maxAbsDiffDb(responseDb(played.decodeXY(c, 0.3, 0.7), DEFAULT_GRID), grid(0.3, 0.7)) < 1e-9);
});
