import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { responseDb } from '../../src/eq/response.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { pathMetrics, rmsDistanceDb, summarisePaths } from '../../src/model/path-metrics.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import { straightenPath } from '../../src/morph/path-shape.js';
import { bridgePathResponses, vocabularyPairs } from '../../src/morph/vocabulary-paths.js';

// Against the shipped model, through the pair tables the bridge reads: every pair a performer can pick.
let model: EqModel;
let decoder: CachedDecoder;
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  decoder = new CachedDecoder(model, { maxPairs: 8 });
});

const wordPair = () => fc.tuple(fc.constantFrom(...model.terms), fc.constantFrom(...model.terms)).filter(([a, b]) => a !== b);
// α drawn uniformly over 0..1 (fc.double's defaults crowd near 0).
const alpha = fc.integer({ min: 0, max: 1000 }).map((i) => i / 1000);

// Within the 0.1 dB slack of `monotonic` for 488 of the 490 pairs `eqmorph eval` measures (the share is checked on a
// seeded sample below); per pair, 0.5 dB holds for every measured one (the largest fall back, scary -> audaz, is 0.12 dB;
// 0.32 dB, meaty -> breezy's, with the 80-epoch model of docs/performance.md).
test('monotonic: for any word pair, further along the fader is never more than 0.5 dB nearer A nor further from B', () => {
  fc.assert(
    fc.property(wordPair(), alpha, alpha, ([a, b], x, y) => {
      const [lo, hi] = x <= y ? [x, y] : [y, x];
      const r = (t: number) => responseDb(decoder.decode(a, b, t), DEFAULT_GRID);
      decoder.prepare(a, b);
      const [ra, rb, rlo, rhi] = [r(0), r(1), r(lo), r(hi)];
      assert.ok(rmsDistanceDb(rhi, ra) >= rmsDistanceDb(rlo, ra) - 0.5, `${a}→${b}: nearer A at ${hi} than at ${lo}`);
      assert.ok(rmsDistanceDb(rhi, rb) <= rmsDistanceDb(rlo, rb) + 0.5, `${a}→${b}: further from B at ${hi} than at ${lo}`);
    }),
    { numRuns: 30 },
  );
});

// Per pair, the bounds every one of the 490 pairs `eqmorph eval` measures keeps (largest there: step ratio 1.49, length
// ratio 2.43, excursion 1.01 dB, fall back 0.12 dB; meaty -> breezy, whose two broad bands trade signs, had the length
// 4.19 and the excursion 1.40 dB until its path was relaxed); the targets for the vocabulary as a whole (97 % monotonic,
// length ratio p95 2.0, ...) are checked on a seeded sample below. Between two words that sound nearly alike a length
// ratio divides by a small distance, and such a path can go back and forth along its straight line: brash -> feo, the
// nearest pair of the vocabulary (0.24 dB apart), is 1.6 dB long, 6.7 times its straight distance. So a path's length
// is bounded as 4.5 times the straight distance plus 2 dB. Before paths were relaxed, all 3812 pairs under 1 dB apart
// were measured: 5 were longer than 4.5 times, and brash -> feo came nearest the bound (2.7 dB long, 1.6 dB past 4.5
// times), then breezy -> martial (0.72 dB past); of the 25 nearest it then, brash -> feo is still the nearest now (0.53
// dB past 4.5 times).
test('even: for any word pair, no step of 0.01 changes the sound more than twice the mean step, and the path stays near the straight line', () => {
  fc.assert(
    fc.property(wordPair(), ([a, b]) => {
      const m = pathMetrics(bridgePathResponses(decoder, a, b));
      assert.ok(m.stepRatio <= 2, `${a}→${b}: step ratio ${m.stepRatio}`);
      const lengthDb = m.lengthRatio * m.straightDb;
      assert.ok(lengthDb <= 4.5 * m.straightDb + 2, `${a}→${b}: ${lengthDb.toFixed(2)} dB long, ${m.straightDb.toFixed(2)} dB from end to end`);
      assert.ok(m.excursionDb <= 3, `${a}→${b}: excursion ${m.excursionDb} dB`);
    }),
    { numRuns: 15, examples: [[['brash', 'feo']], [['breezy', 'martial']]] },
  );
});

test('over a seeded sample of 60 word pairs the paths meet the vocabulary targets: 97 % monotonic, length ratio median 1.3 and p95 2.0, step ratio p95 2.0, midpoint median 0.5 dB', () => {
  const terms = model.terms.map((t) => ({ term: t, count: model.term(t)!.count }));
  const pairs = vocabularyPairs(terms, 42, 50, 5);
  const s = summarisePaths(pairs.map(([a, b]) => pathMetrics(bridgePathResponses(decoder, a, b))));
  assert.equal(s.pairs, 60);
  assert.ok(s.monotonicShare >= 0.97, `monotonic ${s.monotonicShare}`);
  assert.ok(s.lengthRatio.median <= 1.3 && s.lengthRatio.p95 <= 2, `length ratio ${JSON.stringify(s.lengthRatio)}`);
  assert.ok(s.stepRatio.p95 <= 2, `step ratio ${JSON.stringify(s.stepRatio)}`);
  assert.ok(s.midpointDb.median <= 0.5 && s.midpointDb.p90 <= 1, `midpoint ${JSON.stringify(s.midpointDb)}`);
});

// The hardest of the 490 measured pairs: both ends are pairs of broad bands with nearly opposite gains, and the two
// bands swap signs between the words; the default chain's path left both ends' range by 2.4 dB there.
test('a pair whose cancelling bands swap signs (meaty -> breezy) bumps no frequency more than 1.5 dB past both ends', () => {
  const m = pathMetrics(bridgePathResponses(decoder, 'meaty', 'breezy'));
  assert.ok(m.excursionDb <= 1.5, `excursion ${m.excursionDb.toFixed(2)} dB`);
});

// icy -> aggravating sound nearly alike (0.63 dB apart): the first chain keeps within 0.2 dB of the straight line and
// still went back and forth along it, 4.0 times the straight distance, until a path's length counted in its score.
test('a pair of words that sound nearly alike (icy -> aggravating) does not wander: length at most 4 times the straight distance', () => {
  const m = pathMetrics(bridgePathResponses(decoder, 'icy', 'aggravating'));
  assert.ok(m.lengthRatio <= 4, `length ratio ${m.lengthRatio.toFixed(2)}`);
});

// heavy -> clear: the chain from A strays 0.46 dB from the straight line (0.16 with its sooner turn), the chain from
// B 0.12 dB: the path kept is the one from B's end.
test("a pair whose chain from B's end keeps nearer the straight line than any from A's (heavy -> clear) keeps that path", () => {
  const steps = 129;
  const rows = model.decodeLatents(Array.from({ length: steps }, (_, i) => model.interpolate('heavy', 'clear', i / (steps - 1))), { sorted: false });
  const kept = straightenPath(rows);
  assert.ok(kept.worstStrayDb <= 0.14, `${kept.worstStrayDb.toFixed(3)} dB from the straight line`);
});

test('the measured pairs: every pair of the best-supported words plus a seeded sample, distinct, repeatable', () => {
  const terms = Array.from({ length: 40 }, (_, i) => ({ term: `w${i}`, count: i }));
  const pairs = vocabularyPairs(terms, 3, 50, 10);
  assert.equal(pairs.length, 45 + 50);
  const keys = pairs.map(([a, b]) => [a, b].sort().join('|'));
  assert.equal(new Set(keys).size, keys.length);
  assert.ok(pairs.every(([a, b]) => a !== b));
  for (let i = 30; i < 40; i++) for (let j = i + 1; j < 40; j++) assert.ok(keys.includes([`w${i}`, `w${j}`].sort().join('|')));
  assert.deepEqual(vocabularyPairs(terms, 3, 50, 10), pairs);
  assert.equal(vocabularyPairs(terms.slice(0, 4), 3, 50, 2).length, 6, 'a small vocabulary gives every pair once');
});
