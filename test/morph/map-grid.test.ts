import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { maxAbsDiffDb, responseDb } from '../../src/eq/response.js';
import { inRange } from '../../src/eq/bands.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { readSoundMap } from '../../src/model/sound-map-file.js';
import { MapGrid } from '../../src/morph/map-grid.js';
import { describeStep, steepestStep } from '../support/steepest-step.js';

const unit = fc.integer({ min: 0, max: 1000 }).map((i) => i / 1000);
// The shipped model and its shipped sound map, as the bridge decodes map points.
let model: EqModel;
let grid: MapGrid;
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  grid = new MapGrid(model, readSoundMap(DEFAULT_MODEL_DIR)!.points);
  grid.build();
});
const at = (x: number, y: number) => responseDb(grid.decode(x, y), DEFAULT_GRID);

test('a 0.01 move on the sound map changes the response by at most 0.5 dB anywhere', () => {
  fc.assert(
    fc.property(unit, unit, fc.boolean(), (x, y, alongX) => {
      const [x2, y2] = alongX ? [Math.min(1, x + 0.01), y] : [x, Math.min(1, y + 0.01)];
      const step = maxAbsDiffDb(at(x, y), at(x2, y2));
      assert.ok(step <= 0.5, `at ${x},${y} ${alongX ? 'x' : 'y'}: ${step.toFixed(3)} dB`);
    }),
    { numRuns: 500 },
  );
});

test('no 0.01 move on a 0.01 lattice of the map, nor near the largest of them, changes the response by over 0.5 dB', () => {
  const worst = steepestStep(at);
  assert.ok(worst.step <= 0.5, describeStep(worst)); // 0.305 dB measured
});

test('every map point decodes to parameters inside eqmorph ranges', () => {
  fc.assert(fc.property(unit, unit, (x, y) => assert.ok(inRange(grid.params(x, y)))));
});

test("a word's own point decodes near the word: median RMS difference under 1 dB over the vocabulary", () => {
  const errs = grid.points
    .map((p) => {
      const word = responseDb(model.decode(p.term, p.term, 0), DEFAULT_GRID);
      const here = at(p.x, p.y);
      return Math.sqrt(word.reduce((s, v, k) => s + (v - here[k]!) ** 2, 0) / word.length);
    })
    .sort((a, b) => a - b);
  assert.ok(errs[errs.length >> 1]! < 1, `median ${errs[errs.length >> 1]}`);
});

test('before its grid is built, a map point is answered by the same blend the grid will hold at its nodes', () => {
  const fresh = new MapGrid(model, grid.points);
  const node = [10 / 40, 30 / 40] as const;
  const early = Array.from(fresh.params(...node));
  assert.ok(maxAbsDiffDb(early, grid.params(...node)) < 1e-9);
});

test('prepared in the background, a grid becomes ready over some turns of the event loop, decoding each word once, and holds what build() holds', { timeout: 120_000 }, async () => {
  let decoded = 0;
  const background = new MapGrid(model, grid.points, undefined, undefined, (zs) => {
    decoded += zs.length;
    return model.decodeLatents(zs, { sorted: false });
  });
  background.prepare();
  background.prepare(); // a second call while it builds starts nothing more
  assert.equal(background.ready, false);
  while (!background.ready) await new Promise((r) => setImmediate(r));
  assert.equal(decoded, grid.points.length);
  for (const [x, y] of [[0, 0], [0.25, 0.75], [1, 1], [0.51, 0.13]] as const) assert.ok(maxAbsDiffDb(background.params(x, y), grid.params(x, y)) < 1e-9, `${x}, ${y}`);
  assert.equal(decoded, grid.points.length);
});

test('answered before its grid is built, a map decodes its words once for all the points asked', () => {
  let decoded = 0;
  const early = new MapGrid(model, grid.points, undefined, undefined, (zs) => {
    decoded += zs.length;
    return model.decodeLatents(zs, { sorted: false });
  });
  early.params(0.2, 0.3);
  early.params(0.7, 0.1);
  assert.equal(decoded, grid.points.length);
});
