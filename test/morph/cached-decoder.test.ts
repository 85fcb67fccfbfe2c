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

test("both ends of a pair's table are the model's own decodes of its two terms, parameter for parameter", () => {
  fc.assert(
    fc.property(pair(), ([a, b]) => {
      fc.pre(a !== b);
      cached.prepare(a, b);
      for (const x of [0, 1]) {
        const sent = bandsToParams(cached.decode(a, b, x));
        const own = bandsToParams(model.decode(a, b, x, { sorted: false }));
        // float32 tfjs against the float64 JavaScript decoder
        sent.forEach((v, j) => assert.ok(Math.abs(v - own[j]!) <= 1e-4 * Math.max(1, Math.abs(v)), `${a}/${b} end ${x}, parameter ${j}: ${v} vs ${own[j]}`));
      }
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

/** How far a parameter moved between two decodes: dB for gains, octaves for frequencies and Q. */
const moved = (kind: string, a: number, b: number) => (kind === 'gain' ? Math.abs(a - b) : Math.abs(Math.log2(a / b)));

// Measured on the shipped model's tables over 245 pairs (the cached path is piecewise linear, so the largest segment
// slope is the bound): 88 dB, 34 and 53 octaves per unit alpha. A table ends on the model's own settings for both words,
// and where those use their bands otherwise than a fit would (two peaking bands trading jobs), the gains of the two
// bands swing together while the sum they make stays on the straight line (the response's smoothness is tested
// apart: vocabulary-paths.test.ts, xy-patch.test.ts); frequencies and Qs move fastest where a band passes near 0 dB.
const MAX_SLOPE = { gain: 100, freq: 40, q: 60 };

test('smoothness: for any pair, every parameter moves at most a constant times |delta alpha| (dB, octaves)', () => {
  fc.assert(
    fc.property(pair(), alpha(), alpha(), ([a, b], x, y) => {
      cached.prepare(a, b);
      const u = bandsToParams(cached.decode(a, b, x));
      const v = bandsToParams(cached.decode(a, b, y));
      const d = Math.abs(x - y);
      PARAMS.forEach((p, j) => {
        const change = moved(p.kind, u[j]!, v[j]!);
        assert.ok(change <= MAX_SLOPE[p.kind] * d + 1e-9, `${a}/${b}: ${p.name} moved ${change} for delta alpha ${d}`);
      });
    }),
    { numRuns: 40 },
  );
});

test('continuity: for any pair, a step of 1e-9 in alpha moves no parameter by more than 1e-6 (no jump anywhere on the path)', () => {
  fc.assert(
    fc.property(pair(), alpha(), fc.constantFrom(-1e-9, 1e-9), ([a, b], x, dx) => {
      cached.prepare(a, b);
      const y = Math.min(1, Math.max(0, x + dx));
      const u = bandsToParams(cached.decode(a, b, x));
      const v = bandsToParams(cached.decode(a, b, y));
      PARAMS.forEach((p, j) => assert.ok(moved(p.kind, u[j]!, v[j]!) <= 1e-6, `${a}/${b} at ${x}: ${p.name} ${u[j]} -> ${v[j]}`));
    }),
    { numRuns: 60 },
  );
});

test('a pair seen for the first time is answered at once by a straightened sample, near what its table will send', async () => {
  const fresh = new CachedDecoder(model);
  const [a, b] = [model.terms[0]!, model.terms[1]!];
  const [rowA, rowB] = model.decodeLatents([model.term(a)!.z, model.term(b)!.z], { sorted: false });
  const first = fresh.decode(a, b, 0.3);
  const expected = straightenSample(rowA!, rowB!, 0.3);
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
