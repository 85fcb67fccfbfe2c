import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { targetLayout } from '../../src/morph/band-layout.js';
import { BuildScheduler } from '../../src/morph/build-scheduler.js';
import { CachedDecoder, type PathPool } from '../../src/morph/cached-decoder.js';
import { FitPool } from '../../src/morph/fit-pool.js';
import { FittedDecoder } from '../../src/morph/fitted-decoder.js';
import { TableCache } from '../../src/morph/table-cache.js';
import { loadTargetProfile } from '../../src/profiles/load.js';
import { bandsToParams, PARAM_COUNT, type Band, type BandSpec } from '../../src/eq/bands.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { meanAbsDiffDb, responseDb } from '../../src/eq/response.js';
import { readPairTable } from '../../src/morph/pair-table.js';
import { fitLayoutSample, seedFromSource } from '../../src/morph/layout-path.js';
import { until } from '../support/until.js';

// The shipped model and the X32 channel layout (4 bands, fitted as a chain: the costly case).
let model: EqModel;
let specs: BandSpec[];
let pool: FitPool;
const dir = mkdtempSync(join(tmpdir(), 'eqmorph-pool-test-'));
/** How long a table may take here (a wait that never ends is the failure it reports). */
const TABLES_MS = 60_000;

/** warm -> bright's 5-band table and its rows, flat (PARAM_COUNT per row), as a path for a pool to fit. */
function warmBrightRows() {
  const t = new CachedDecoder(model).table('warm', 'bright');
  const rows = new Float64Array(t.steps * PARAM_COUNT);
  for (let i = 0; i < t.steps; i++) rows.set(readPairTable(t, i / (t.steps - 1)), i * PARAM_COUNT);
  return { t, rows };
}

before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  const layout = targetLayout(await loadTargetProfile('firmware-profiles/targets/behringer-x32-channel.yaml'));
  assert.ok(layout.ok);
  specs = layout.specs;
  pool = new FitPool(1);
});
after(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a table fitted in a worker is the table fitted on the main thread, and is kept in the cache for the next decoder', async () => {
  const scheduler = new BuildScheduler();
  const source = new CachedDecoder(model, { scheduler });
  const cache = { store: new TableCache({ dir }), model: 'test-model' };
  const inWorker = new FittedDecoder(source, specs, { scheduler, pool, cache });
  const inThread = new FittedDecoder(source, specs, { scheduler });
  inWorker.prepare('warm', 'bright');
  inThread.prepare('warm', 'bright');
  await until('both tables built', () => inWorker.ready('warm', 'bright') && inThread.ready('warm', 'bright'), TABLES_MS);
  assert.deepEqual(Array.from(inWorker.fitted('warm', 'bright')!.values), Array.from(inThread.fitted('warm', 'bright')!.values));
  assert.deepEqual(inWorker.counts, { fromCache: 0, built: 1 });

  await cache.store.flush();
  const next = new FittedDecoder(new CachedDecoder(model), specs, { cache });
  next.prepare('warm', 'bright');
  assert.equal(next.ready('warm', 'bright'), true, 'read from the cache at once');
  assert.deepEqual(next.counts, { fromCache: 1, built: 0 });
  for (const alpha of [0, 0.3, 1]) assert.deepEqual(next.decode('warm', 'bright', alpha), inThread.decode('warm', 'bright', alpha));
});

test("a pair's path decoded and shaped in a worker is the path built in the scheduler's slices", async () => {
  const asked: string[] = [];
  const answered: string[] = [];
  const spy: PathPool = {
    shape: (key, rows) => (asked.push('shape'), pool.shape(key, rows).then((r) => (answered.push('shape'), r))),
    samplePath: (key, za, zb, steps) => (asked.push('path'), pool.samplePath(key, za, zb, steps).then((r) => (answered.push('path'), r))),
    useDecoder: (d) => pool.useDecoder(d),
    touch: (key) => pool.touch(key),
  };
  // Decoded and shaped in the worker (JavaScript decoder); decoded here and shaped there (tfjs); all here.
  const inWorker = new CachedDecoder(model, { scheduler: new BuildScheduler(), pool: spy });
  const shapedThere = new CachedDecoder(model, { scheduler: new BuildScheduler(), pool: spy, javascript: false });
  const inThread = new CachedDecoder(model, { scheduler: new BuildScheduler() });
  for (const d of [inWorker, shapedThere, inThread]) d.request('clear', 'rich');
  await until('the three tables built', () => [inWorker, shapedThere, inThread].every((d) => d.ready('clear', 'rich')), TABLES_MS);
  assert.deepEqual(asked.sort(), ['path', 'shape']);
  assert.deepEqual(answered.sort(), ['path', 'shape'], 'each answered by the worker, not built here after a failure');
  const want = Array.from(inThread.table('clear', 'rich').values);
  assert.deepEqual(Array.from(inWorker.table('clear', 'rich').values), want);
  // tfjs decodes in float32: the same path within its precision.
  Array.from(shapedThere.table('clear', 'rich').values).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-2, `value ${i}: ${v} vs ${want[i]}`));
});

test('a cached table is not used for another layout or another model', async () => {
  const cache = { store: new TableCache({ dir }), model: 'another-model' };
  const d = new FittedDecoder(new CachedDecoder(model), specs, { cache, pool });
  d.prepare('warm', 'bright');
  assert.equal(d.ready('warm', 'bright'), false);
  const narrower = specs.map((s) => ({ ...s, gain: { min: -6, max: 6 } }));
  const e = new FittedDecoder(new CachedDecoder(model), narrower, { cache: { store: cache.store, model: 'test-model' }, pool });
  e.prepare('warm', 'bright');
  assert.equal(e.ready('warm', 'bright'), false);
  await until('both tables built', () => d.ready('warm', 'bright') && e.ready('warm', 'bright'), TABLES_MS);
});

test('the pair being moved is built before the pairs only waiting', async () => {
  const scheduler = new BuildScheduler();
  const d = new FittedDecoder(new CachedDecoder(model, { scheduler }), specs, { scheduler });
  const waiting: [string, string][] = [
    ['clear', 'rich'],
    ['rich', 'funky'],
    ['funky', 'fresco'],
  ];
  for (const [a, b] of waiting) d.prepare(a, b);
  d.decode('melodic', 'fun', 0.5); // a performer moves this pair now
  await until('the table built', () => d.ready('melodic', 'fun'), TABLES_MS);
  assert.equal(waiting.filter(([a, b]) => d.ready(a, b)).length, 0);
  for (const [a, b] of waiting) scheduler.cancel(d.jobKey(a, b));
});

test('a pool started ahead has its workers online before the first request, each announced once, and still fits', async () => {
  let online = 0;
  const ahead = new FitPool(2, () => online++);
  try {
    await ahead.start();
    assert.equal(online, 2);
    assert.equal(ahead.pending, 0);
    const { t, rows } = warmBrightRows();
    const fits = await ahead.fit('k', rows, specs);
    assert.equal(fits.maeDb.length, t.steps);
    assert.equal(online, 2);
  } finally {
    await ahead.close();
  }
});

test('a point is fitted between the chunks of the path a worker is on, before the paths waiting in line, and is the fit made on this thread', async () => {
  const own = new FitPool(1);
  try {
    const { t, rows } = warmBrightRows();
    const done: string[] = [];
    const paths = ['first', 'second', 'third'].map((k) => own.fit(k, rows, specs).then(() => done.push(k)));
    const row = readPairTable(t, 0);
    const point = await own.point({ row }, specs);
    done.push('point');
    await Promise.all(paths);
    // The first path was running when the point was asked (a path is hundreds of fits): the point did not wait for it.
    assert.deepEqual(done, ['point', 'first', 'second', 'third']);
    assert.deepEqual(Array.from(point.params), fitLayoutSample(row, specs, seedFromSource(row, specs)).params);
    const warm = await own.point({ row: readPairTable(t, 0.1) }, specs, point.params);
    assert.deepEqual(Array.from(warm.params), fitLayoutSample(readPairTable(t, 0.1), specs, point.params).params);
  } finally {
    await own.close();
  }
});

test('an urgent point (a channel being moved) is answered before the points asked before it (other channels\' starts)', async () => {
  const own = new FitPool(1);
  try {
    const { t, rows } = warmBrightRows();
    // A path keeps the worker busy, so every point below is waiting when the worker next looks at its messages.
    const path = own.fit('path', rows, specs);
    const done: string[] = [];
    const ask = (name: string, alpha: number, urgent: boolean) => own.point({ row: readPairTable(t, alpha) }, specs, undefined, urgent).then(() => void done.push(name));
    const asked = [ask('start 1', 0, false), ask('start 2', 0.25, false), ask('start 3', 0.5, false), ask('moved', 0.75, true), ask('start 4', 1, false)];
    await Promise.all([...asked, path]);
    assert.deepEqual(done, ['moved', 'start 1', 'start 2', 'start 3', 'start 4']);
  } finally {
    await own.close();
  }
});

/**
 * A fitted decoder on a pool of its own whose table builds never run here (their turns are never given), so only the
 * pool's points can answer; `firstAnswers` counts the source's first answers made on this thread (a pair whose table
 * is built is a read; before that, a decode here costs decodes and a fit).
 */
async function onOwnPool(body: (d: FittedDecoder, decoder: CachedDecoder, firstAnswers: () => number) => Promise<void>): Promise<void> {
  const own = new FitPool(1);
  try {
    const scheduler = new BuildScheduler({ defer: () => undefined });
    const decoder = new CachedDecoder(model, { scheduler, pool: own });
    let asked = 0;
    const source = Object.assign(Object.create(decoder) as CachedDecoder, {
      decode: (a: string, b: string, alpha: number) => ((asked += decoder.ready(a, b) ? 0 : 1), decoder.decode(a, b, alpha)),
    });
    await body(new FittedDecoder(source, specs, { scheduler, pool: own }), decoder, () => asked);
  } finally {
    await own.close();
  }
}

test("with a pool, a pair's start at α 0 is its first word fitted in the worker: decoded here without a fit, and shared by every pair starting at the word", async () => {
  await onOwnPool(async (d, decoder, firstAnswers) => {
    d.prepare('warm', 'bright', 0);
    d.prepare('warm', 'clear', 0);
    d.prepare('rich', 'clear', 1);
    const waits = [d.settled('warm', 'bright', 0), d.settled('warm', 'clear', 0), d.settled('rich', 'clear', 1)];
    assert.ok(waits.every((w) => w instanceof Promise));
    await Promise.all(waits);
    const start = d.decode('warm', 'bright', 0);
    assert.deepEqual(d.decode('warm', 'clear', 0), start);
    const end = d.decode('rich', 'clear', 1);
    assert.equal(firstAnswers(), 0, 'no first answer (decodes, fits) on this thread');
    // The word's fit made here (its row is the word's decode, or its pair table's end once that is built: equal to 1e-12).
    const near = (got: readonly Band[], want: readonly Band[]) =>
      got.forEach((band, k) => {
        assert.equal(band.type, want[k]!.type);
        for (const key of ['gain', 'freq', 'q'] as const) assert.ok(Math.abs(band[key] - want[k]![key]) <= 1e-9 * Math.max(1, Math.abs(want[k]![key])), `band ${k + 1} ${key}: ${band[key]} vs ${want[k]![key]}`);
      });
    const row = bandsToParams(decoder.decode('warm', 'bright', 0));
    near(start, fitLayoutSample(row, specs, seedFromSource(row, specs)).bands);
    const rowB = bandsToParams(decoder.decode('rich', 'clear', 1));
    near(end, fitLayoutSample(rowB, specs, seedFromSource(rowB, specs)).bands);
    assert.equal(d.settled('warm', 'bright', 0), undefined, 'nothing left to wait for');
  });
});

test('with a pool, the first moves of a pair not built wait for grid samples fitted in the worker, then read them: within the interim tolerance, no fit here', async () => {
  await onOwnPool(async (d, _decoder, firstAnswers) => {
    const truth = new CachedDecoder(model);
    for (const alpha of [0.1, 0.9, 0.5]) {
      const wait = d.settled('bright', 'warm', alpha);
      assert.ok(wait instanceof Promise, `at ${alpha}`);
      await wait;
      assert.equal(d.settled('bright', 'warm', alpha), undefined, `at ${alpha}, once fitted`);
      const err = meanAbsDiffDb(responseDb(d.decode('bright', 'warm', alpha), DEFAULT_GRID), responseDb(truth.decode('bright', 'warm', alpha), DEFAULT_GRID));
      assert.ok(err < 0.6, `at ${alpha}: ${err.toFixed(3)} dB`);
    }
    assert.equal(firstAnswers(), 0, 'no first answer (decodes, fits) on this thread');
  });
});

test('a pool that cannot fit (closed) is asked once per sample: the wait ends, and the answer is fitted here', async () => {
  const closed = new FitPool(1);
  await closed.close();
  const d = new FittedDecoder(new CachedDecoder(model, { scheduler: new BuildScheduler({ defer: () => undefined }) }), specs, { scheduler: new BuildScheduler({ defer: () => undefined }), pool: closed });
  // A start at α 0: the word's decode is sent (this pool has no decoder), and the closed pool refuses it.
  const wait = d.settled('warm', 'bright', 0);
  assert.ok(wait instanceof Promise);
  await wait;
  assert.equal(d.settled('warm', 'bright', 0), undefined);
  assert.equal(d.decode('warm', 'bright', 0).length, specs.length);
});

test('workers that cannot start: the pool stops starting them after two and refuses at once from then on', async () => {
  let started = 0;
  let brokenBy: Error | null = null;
  // A worker whose module throws as it loads, as one does whose file is missing.
  const failing = () => (started++, new Worker('throw new Error("cannot load the fit worker")', { eval: true }));
  const broken = new FitPool(1, undefined, { startWorker: failing, onBroken: (err) => (brokenBy = err) });
  const rows = new Float64Array(PARAM_COUNT * 3);
  await assert.rejects(broken.fit('a', rows, specs), /cannot load the fit worker/);
  assert.equal(broken.broken, null, 'one worker that died is not yet a pool that cannot start');
  await assert.rejects(broken.fit('b', rows, specs), /cannot load the fit worker/);
  assert.equal(started, 2);
  assert.match(String(brokenBy), /cannot load the fit worker/);
  assert.equal(broken.broken, brokenBy);
  await assert.rejects(broken.fit('c', rows, specs), /cannot load the fit worker/);
  await assert.rejects(broken.point({ row: new Float64Array(PARAM_COUNT) }, specs), /cannot load the fit worker/);
  assert.equal(started, 2, 'no worker started after the pool broke');
});

test("a table the pool failed to fit is fitted here: the same table as one fitted here from the start", async () => {
  const failing = () => new Worker('throw new Error("cannot load the fit worker")', { eval: true });
  const scheduler = new BuildScheduler();
  const d = new FittedDecoder(new CachedDecoder(model, { scheduler }), specs, { scheduler, pool: new FitPool(1, undefined, { startWorker: failing }) });
  d.prepare('warm', 'bright');
  const inThread = new FittedDecoder(new CachedDecoder(model), specs);
  inThread.prepare('warm', 'bright');
  await until('both tables built', () => d.ready('warm', 'bright') && inThread.ready('warm', 'bright'), TABLES_MS);
  assert.deepEqual(Array.from(d.fitted('warm', 'bright')!.values), Array.from(inThread.fitted('warm', 'bright')!.values));
});

test('a pair whose table is in the cache is read from it at once: no wait for the pool, no fit on this thread', async () => {
  const cache = { store: new TableCache({ dir: mkdtempSync(join(tmpdir(), 'eqmorph-cached-pair-')) }), model: 'test-model' };
  const builder = new FittedDecoder(new CachedDecoder(model), specs, { cache });
  builder.prepare('clear', 'rich');
  await until('the cached table built', () => builder.ready('clear', 'rich'), TABLES_MS);
  await cache.store.flush();
  // A scene gives a channel the pair: the bridge asks whether to wait, then decodes. Neither may fit or decode here.
  for (const withPool of [true, false]) {
    const decoder = new CachedDecoder(model);
    let asked = 0;
    const source = Object.assign(Object.create(decoder) as CachedDecoder, {
      decode: (a: string, b: string, alpha: number) => ((asked += decoder.ready(a, b) ? 0 : 1), decoder.decode(a, b, alpha)),
    });
    const d = new FittedDecoder(source, specs, { cache: { store: new TableCache({ dir: cache.store.dir }), model: 'test-model' }, ...(withPool ? { pool } : {}) });
    assert.equal(d.settled('clear', 'rich', 0.3), undefined, 'nothing to wait for');
    assert.deepEqual(d.decode('clear', 'rich', 0.3), builder.decode('clear', 'rich', 0.3));
    assert.equal(asked, 0, `no decode or fit here (${withPool ? 'with' : 'without'} a pool)`);
    assert.deepEqual(d.counts, { fromCache: 1, built: 0 });
  }
});
