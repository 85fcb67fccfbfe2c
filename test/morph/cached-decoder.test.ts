import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { applyStrength, bandsToParams, GAIN_RANGE, PARAMS } from '../../src/eq/bands.js';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import { alphaArb, strengthArb } from '../support/arbitraries.js';

// These run against the shipped model (models/default), the one the bridge uses.
let model: EqModel;
let cached: CachedDecoder;
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  cached = new CachedDecoder(model);
});

const pair = () => fc.tuple(fc.constantFrom(...model.terms), fc.constantFrom(...model.terms));
const alpha = () => alphaArb(cached.steps);

test('the cached path equals direct decoding within 0.05 dB gain, 0.5 % frequency and 0.5 % Q', () => {
  fc.assert(
    fc.property(pair(), alpha(), ([a, b], x) => {
      cached.prepare(a, b);
      const fast = bandsToParams(cached.decode(a, b, x));
      const slow = bandsToParams(model.decode(a, b, x, { sorted: false }));
      PARAMS.forEach((p, j) => {
        if (p.kind === 'gain') assert.ok(Math.abs(fast[j]! - slow[j]!) <= 0.05, `${p.name} ${fast[j]} vs ${slow[j]}`);
        else assert.ok(Math.abs(fast[j]! / slow[j]! - 1) <= 0.005, `${p.name} ${fast[j]} vs ${slow[j]}`);
      });
    }),
    { numRuns: 150 },
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
    { numRuns: 200 },
  );
});

// Measured on the shipped model over every pair of its 52 terms (the cached path is piecewise linear, so the largest
// segment slope is the bound): 52.1 dB, 5.5 and 6.0 octaves per unit alpha, between far-apart SocialEQ words; SAFE
// pairs alone stay under 17.1 dB, 1.6 and 2.0.
const MAX_SLOPE = { gain: 60, freq: 7, q: 7 };

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
    { numRuns: 300 },
  );
});

test('a pair seen for the first time is answered exactly at once, and its table is built in the background', async () => {
  const fresh = new CachedDecoder(model);
  const [a, b] = [model.terms[0]!, model.terms[1]!];
  const first = bandsToParams(fresh.decode(a, b, 0.3));
  const exact = bandsToParams(model.decode(a, b, 0.3, { sorted: false }));
  // Exact up to float32 (tfjs) against float64 (the JavaScript decoder).
  PARAMS.forEach((p, j) => assert.ok(p.kind === 'gain' ? Math.abs(first[j]! - exact[j]!) <= 1e-3 : Math.abs(first[j]! / exact[j]! - 1) <= 1e-3, p.name));
  assert.equal(fresh.ready(a, b), false);
  // A few samples per turn of the event loop.
  for (let i = 0; i < 5000 && !fresh.ready(a, b); i++) await new Promise((r) => setImmediate(r));
  assert.equal(fresh.ready(a, b), true);
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
