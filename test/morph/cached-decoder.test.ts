import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { applyStrength, bandsToParams, GAIN_RANGE, PARAMS } from '../../src/eq/bands.js';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import { straightenSample } from '../../src/morph/path-shape.js';
import { rmsDistanceDb } from '../../src/model/path-metrics.js';
import { responseDb, responseFromParams } from '../../src/eq/response.js';
import { alphaArb, strengthArb } from '../support/arbitraries.js';

// These run against the shipped model (models/default), the one the bridge uses.
let model: EqModel;
let cached: CachedDecoder;
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  cached = new CachedDecoder(model);
});

// Pairs of a few terms, so their tables stay cached across runs (building one costs tens of ms); random pairs of the
// whole vocabulary are covered in vocabulary-paths.test.ts.
const pair = () => fc.tuple(fc.constantFrom(...model.terms.slice(0, 7)), fc.constantFrom(...model.terms.slice(0, 7)));
const alpha = () => alphaArb(cached.steps);

test("the table's ends sound like the model's own decodes of the two terms (within 0.5 dB RMS), the start end exactly", () => {
  fc.assert(
    fc.property(pair(), ([a, b]) => {
      fc.pre(a !== b);
      cached.prepare(a, b);
      const ends = [0, 1].map((x) => ({ sent: bandsToParams(cached.decode(a, b, x)), own: bandsToParams(model.decode(a, b, x, { sorted: false })) }));
      const gaps = ends.map((e) => rmsDistanceDb(responseFromParams(e.sent), responseFromParams(e.own)));
      gaps.forEach((g, i) => assert.ok(g <= 0.5, `${a}/${b} end ${i}: ${g.toFixed(3)} dB`));
      // One end is where the straightened chain starts: the model's decode, parameter for parameter (float32 tfjs
      // against the float64 JavaScript decoder).
      assert.ok(ends.some((e) => e.sent.every((v, j) => Math.abs(v - e.own[j]!) <= 1e-4 * Math.max(1, Math.abs(v)))), `${a}/${b}`);
    }),
    { numRuns: 25 },
  );
});

test('every output parameter stays in its range for any pair, any alpha and any strength', () => {
  fc.assert(
    fc.property(pair(), fc.array(alpha(), { minLength: 1, maxLength: 20 }), strengthArb, ([a, b], xs, s) => {
      for (const x of xs) {
        const v = bandsToParams(applyStrength(cached.decode(a, b, x), s));
        PARAMS.forEach((p, j) => {
          const lim = p.kind === 'gain' ? GAIN_RANGE.max * s + 1e-9 : Infinity;
          assert.ok(Math.abs(v[j]!) <= lim || p.kind !== 'gain');
          // float32 network output: allow one part in 1e5 at the ends of a range
          assert.ok(v[j]! >= p.range.min - 1e-5 * Math.abs(p.range.min) && v[j]! <= p.range.max + 1e-5 * Math.abs(p.range.max), `${p.name}=${v[j]}`);
        });
      }
    }),
    { numRuns: 40 },
  );
});

// Measured on the shipped model's tables over 100 pairs (the cached path is piecewise linear, so the largest segment
// slope is the bound): 17.4 dB, 32.6 and 31.9 octaves per unit alpha. Gains move slowly on the straightened paths;
// frequencies and Qs move fastest where a band passes near 0 dB and hands its job to another (a quarter octave per
// 1/128 of alpha at most).
const MAX_SLOPE = { gain: 20, freq: 36, q: 36 };

test('smoothness: every parameter moves at most a constant times |delta alpha| (dB, octaves)', () => {
  fc.assert(
    fc.property(pair(), alpha(), alpha(), ([a, b], x, y) => {
      cached.prepare(a, b);
      const u = bandsToParams(cached.decode(a, b, x));
      const v = bandsToParams(cached.decode(a, b, y));
      const d = Math.abs(x - y);
      PARAMS.forEach((p, j) => {
        const change = p.kind === 'gain' ? Math.abs(u[j]! - v[j]!) : Math.abs(Math.log2(u[j]! / v[j]!));
        assert.ok(change <= MAX_SLOPE[p.kind] * d + 1e-9, `${p.name} moved ${change} for delta alpha ${d}`);
      });
    }),
    { numRuns: 40 },
  );
});

test('a pair seen for the first time is answered at once by a straightened sample, near what its table will send', async () => {
  const fresh = new CachedDecoder(model);
  const [a, b] = [model.terms[0]!, model.terms[1]!];
  const [rowA, rowB, row] = model.decodeLatents([model.term(a)!.z, model.term(b)!.z, model.interpolate(a, b, 0.3)], { sorted: false });
  const first = fresh.decode(a, b, 0.3);
  const expected = straightenSample(rowA!, rowB!, row!, 0.3);
  const got = bandsToParams(first);
  // Equal up to float32 (tfjs) against float64 (the JavaScript decoder).
  PARAMS.forEach((p, j) => assert.ok(p.kind === 'gain' ? Math.abs(got[j]! - expected[j]!) <= 1e-3 : Math.abs(got[j]! / expected[j]! - 1) <= 1e-3, p.name));
  assert.equal(fresh.ready(a, b), false);
  // A few samples per turn of the event loop.
  for (let i = 0; i < 5000 && !fresh.ready(a, b); i++) await new Promise((r) => setImmediate(r));
  assert.equal(fresh.ready(a, b), true);
  const gap = rmsDistanceDb(responseDb(first), responseDb(fresh.decode(a, b, 0.3)));
  assert.ok(gap < 0.3, `first answer and table differ by ${gap.toFixed(3)} dB`);
});

test('a full cache evicts the pair used least recently, not the one built first', () => {
  const small = new CachedDecoder(model, { maxPairs: 2 });
  const [a, b, c, d] = model.terms;
  small.prepare(a!, b!);
  small.prepare(c!, d!);
  small.decode(a!, b!, 0.5); // a/b is now the most recently used
  small.prepare(b!, c!);
  assert.equal(small.ready(a!, b!), true);
  assert.equal(small.ready(c!, d!), false);
  assert.equal(small.ready(b!, c!), true);
});
