import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EqModel } from '../../src/model/eq-model.js';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { latentMap } from '../../src/web/latent-map.js';
import { modelMap } from '../../src/web/monitor.js';

const vec = (d: number) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d, maxLength: d });

test('for all centroid sets: points fit in [-1, 1], projecting a centroid gives its point, and the axes show at most all the spread', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 6 }).chain((d) => fc.array(vec(d), { minLength: 2, maxLength: 12 })), (rows) => {
      const m = latentMap(new Map(rows.map((r, i) => [`t${i}`, r])));
      m.points.forEach((p, i) => {
        assert.ok(Math.abs(p.x) <= 1 + 1e-9 && Math.abs(p.y) <= 1 + 1e-9);
        const [x, y] = m.project(rows[i]!);
        assert.ok(Math.abs(x - p.x) < 1e-9 && Math.abs(y - p.y) < 1e-9);
      });
      assert.ok(m.explained >= 0 && m.explained <= 1 + 1e-9, String(m.explained));
    }),
  );
});

test('centroids that differ along one direction are spread along the first axis only', () => {
  const m = latentMap(new Map([['a', [1, 1, 0]], ['b', [-1, -1, 0]], ['c', [0, 0, 0]]]));
  const xs = m.points.map((p) => Math.abs(p.x));
  assert.deepEqual(xs.map((x) => Math.round(x * 1e9) / 1e9), [1, 1, 0]);
  assert.ok(m.points.every((p) => Math.abs(p.y) < 1e-9));
  assert.ok(Math.abs(m.explained - 1) < 1e-9);
});

test('the shipped model maps every term of its vocabulary, apart from each other', async () => {
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  const { map, centroid } = modelMap(model);
  assert.deepEqual(map.points.map((p) => p.term), model.terms);
  assert.ok(centroid('warm'));
  const warm = map.points.find((p) => p.term === 'warm')!;
  const bright = map.points.find((p) => p.term === 'bright')!;
  assert.ok(Math.hypot(warm.x - bright.x, warm.y - bright.y) > 0.05);
});
