import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { computeSoundMap, readSoundMap } from '../../src/model/sound-map-file.js';
import { classicalMds, distanceMatrix, placementQuality, soundMap, spearman, type SoundMap } from '../../src/model/sound-map.js';
import { logGrid } from '../../src/eq/grid.js';

test('spearman is 1 for any increasing relation and −1 for any decreasing one, ties included', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 3, maxLength: 40 }), (xs) => {
      fc.pre(new Set(xs).size > 1);
      assert.ok(Math.abs(spearman(xs, xs.map((x) => x ** 3)) - 1) < 1e-12);
      assert.ok(Math.abs(spearman(xs, xs.map((x) => -2 * x)) + 1) < 1e-12);
    }),
  );
});

test('classical MDS recovers points of a plane: their distances keep their order exactly', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })), { minLength: 4, maxLength: 25 }), (pts) => {
      // Points as "responses" of two values: RMS distance is the plane distance over √2.
      const d = distanceMatrix(pts.map(([a, b]) => [a, b]));
      const [x, y] = classicalMds(d, pts.length);
      const q = placementQuality(d, pts.length, x!, y!);
      assert.ok(q.stress < 1e-6, `stress ${q.stress}`);
    }),
    { numRuns: 40 },
  );
});

test('the map turns so that brighter responses sit to the right and fuller mids higher up', () => {
  const freqs = logGrid(60);
  const shape = (tilt: number, body: number) => Array.from(freqs, (f) => tilt * Math.log2(f / 1000) / 5 + (f > 250 && f < 2500 ? body : 0));
  const words = [
    { term: 'dark', t: -6, b: 0 },
    { term: 'bright', t: 6, b: 0 },
    { term: 'full', t: 0, b: 4 },
    { term: 'thin', t: 0, b: -4 },
    { term: 'flat', t: 0, b: 0 },
  ].map((w) => ({ term: w.term, source: 'test', count: 1, response: shape(w.t, w.b) }));
  const map = soundMap(words, freqs);
  const at = (t: string) => map.points.find((p) => p.term === t)!;
  assert.ok(at('bright').x > at('dark').x);
  assert.ok(at('full').y > at('thin').y);
  for (const p of map.points) assert.ok(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1);
});

// The shipped model and its shipped map.
let model: EqModel;
let map: SoundMap;
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  map = readSoundMap(DEFAULT_MODEL_DIR)!;
});

test('the shipped sound map places exactly the default vocabulary and is what eqmorph map --write computes now', () => {
  assert.ok(map, 'models/default/sound-map.json is missing: eqmorph map --write');
  assert.deepEqual(
    map.points.map((p) => p.term),
    model.terms,
  );
  // Within 0.001 of the map's width: another TensorFlow.js backend may round the decoded responses differently.
  const now = computeSoundMap(model);
  now.points.forEach((p, i) => assert.ok(Math.abs(p.x - map.points[i]!.x) < 1e-3 && Math.abs(p.y - map.points[i]!.y) < 1e-3, `${p.term} moved: run eqmorph map --write`));
  assert.ok(Math.abs(now.spearman - map.spearman) < 1e-3);
});

test('the shipped map keeps the order of response distances: Spearman ρ ≥ 0.8', () => {
  assert.ok(map.spearman >= 0.8, `ρ ${map.spearman}`);
});

const point = (t: string) => map.points.find((p) => p.term === t)!;

test('warm and bright lie far apart on the shipped map: more than half its width', () => {
  const [w, b] = [point('warm'), point('bright')];
  assert.ok(Math.hypot(w.x - b.x, w.y - b.y) > 0.5);
});

test('dark, muffled and warm lie on one side of a straight line, bright, airy and crisp on the other', () => {
  const one = ['dark', 'muffled', 'warm'].map(point);
  const other = ['bright', 'airy', 'crisp'].map(point);
  // A separating line exists when some direction projects every word of one group below every word of the other.
  const separates = Array.from({ length: 360 }, (_, deg) => (deg * Math.PI) / 180).some((a) => {
    const proj = (p: { x: number; y: number }) => Math.cos(a) * p.x + Math.sin(a) * p.y;
    return Math.max(...one.map(proj)) < Math.min(...other.map(proj));
  });
  assert.ok(separates);
});
