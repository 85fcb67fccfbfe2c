// The cached decoder's background builds, driven turn by turn (a scheduler that never runs by itself) against a pool
// made here: what the pool is asked, what is stored from its answer, a failing pool, the tfjs path, words the model
// lacks, and the small accessors. Against the shipped model.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { bandsToParams, PARAM_COUNT, PARAMS } from '../../src/eq/bands.js';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { BuildScheduler } from '../../src/morph/build-scheduler.js';
import { CachedDecoder, type PathPool } from '../../src/morph/cached-decoder.js';

let model: EqModel;
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
});

/** A scheduler whose turns run only when the test runs them. */
const manual = () => new BuildScheduler({ defer: () => {} });
const turns = (s: BuildScheduler, until: () => boolean) => {
  for (let i = 0; i < 10_000 && !until(); i++) s.runTurn();
};
const settle = () => new Promise((r) => setImmediate(r));

/** A pool that records what it is asked and answers when the test says. */
function fakePool() {
  const calls = { samplePath: [] as unknown[][], shape: [] as [string, Float64Array][], useDecoder: 0, touch: [] as string[] };
  let answer: { resolve: (rows: Float64Array) => void; reject: (e: Error) => void } | null = null;
  const pending = () => new Promise<Float64Array>((resolve, reject) => (answer = { resolve, reject }));
  const pool: PathPool = {
    samplePath: (...args: unknown[]) => (calls.samplePath.push(args), pending()),
    shape: (key: string, rows: Float64Array) => (calls.shape.push([key, rows]), pending()),
    useDecoder: () => void calls.useDecoder++,
    touch: (key: string) => void calls.touch.push(key),
  } as unknown as PathPool;
  return { pool, calls, answer: () => answer! };
}

/** 129 rows (flat) of a path made here: every gain rising from -6 to +6 dB, frequencies and Qs at their ranges' middles. */
function madeRows(steps = 129): Float64Array {
  const flat = new Float64Array(steps * PARAM_COUNT);
  for (let i = 0; i < steps; i++) PARAMS.forEach((p, j) => (flat[i * PARAM_COUNT + j] = p.kind === 'gain' ? -6 + (12 * i) / (steps - 1) : Math.sqrt(p.range.min * p.range.max)));
  return flat;
}
const close = (got: readonly number[], want: ArrayLike<number>, tol: number, what: string) =>
  got.forEach((v, j) => assert.ok(Math.abs(v - want[j]!) <= tol * Math.max(1, Math.abs(want[j]!)), `${what}: parameter ${j} is ${v}, not ${want[j]}`));

test('with a pool, a new pair is sampled and shaped there once, touched, and its table is what the pool answers', async () => {
  const { pool, calls, answer } = fakePool();
  const scheduler = manual();
  const d = new CachedDecoder(model, { pool, scheduler });
  assert.equal(calls.useDecoder, 1, 'the pool is given the JavaScript decoder');
  d.decode('warm', 'bright', 0.3);
  d.decode('warm', 'bright', 0.6);
  assert.deepEqual(calls.samplePath, [[d.jobKey('warm', 'bright'), model.interpolate('warm', 'bright', 0), model.interpolate('warm', 'bright', 1), 129]]);
  assert.ok(calls.touch.includes(d.jobKey('warm', 'bright')));
  assert.equal(scheduler.pending, 0, 'nothing is queued on this thread');
  assert.equal(d.building('warm', 'bright'), true);
  assert.equal(d.ready('warm', 'bright'), false);
  const rows = madeRows();
  answer().resolve(rows);
  await settle();
  assert.equal(d.building('warm', 'bright'), false);
  assert.equal(d.ready('warm', 'bright'), true);
  for (const i of [0, 64, 128]) close(bandsToParams(d.decode('warm', 'bright', i / 128)), rows.subarray(i * PARAM_COUNT, (i + 1) * PARAM_COUNT), 1e-12, `sample ${i}`);
  assert.notEqual(d.jobKey('warm', 'bright'), d.jobKey('bright', 'warm'));
});

test('when the pool fails, the pair is built on this thread instead, ending on both words', async () => {
  const { pool, answer } = fakePool();
  const scheduler = manual();
  const d = new CachedDecoder(model, { pool, scheduler });
  d.request('warm', 'clear');
  assert.equal(scheduler.has(d.jobKey('warm', 'clear')), false);
  answer().reject(new Error('worker died'));
  await settle();
  assert.equal(d.building('warm', 'clear'), false);
  assert.equal(scheduler.has(d.jobKey('warm', 'clear')), true);
  turns(scheduler, () => d.ready('warm', 'clear'));
  assert.equal(d.ready('warm', 'clear'), true);
  for (const x of [0, 1]) close(bandsToParams(d.decode('warm', 'clear', x)), bandsToParams(model.decode('warm', 'clear', x, { sorted: false })), 1e-4, `end ${x}`);
});

test('decoding with tfjs, samples are decoded here 8 to a slice and the pool only shapes them', async () => {
  const { pool, calls, answer } = fakePool();
  const scheduler = manual();
  const d = new CachedDecoder(model, { pool, scheduler, javascript: false });
  assert.equal(calls.useDecoder, 0, 'no JavaScript decoder to give');
  assert.equal(d.dense, null);
  assert.equal(d.wordLatent('warm'), undefined);
  d.request('warm', 'bright');
  turns(scheduler, () => scheduler.pending === 0);
  assert.equal(scheduler.stats.slices, 17); // 129 samples, 8 per slice
  assert.equal(calls.shape.length, 1);
  const [key, flat] = calls.shape[0]!;
  assert.equal(key, d.jobKey('warm', 'bright'));
  assert.equal(flat.length, 129 * PARAM_COUNT);
  const ends = model.decodeLatents([model.interpolate('warm', 'bright', 0), model.interpolate('warm', 'bright', 0.5), model.interpolate('warm', 'bright', 1)], { sorted: false });
  close(Array.from(flat.subarray(0, PARAM_COUNT)), ends[0]!, 1e-6, 'first row');
  close(Array.from(flat.subarray(64 * PARAM_COUNT, 65 * PARAM_COUNT)), ends[1]!, 1e-6, 'middle row');
  close(Array.from(flat.subarray(128 * PARAM_COUNT)), ends[2]!, 1e-6, 'last row');
  answer().resolve(madeRows());
  await settle();
  assert.equal(d.ready('warm', 'bright'), true);
});

test('a pair with a word the model lacks is neither sent to the pool nor built', () => {
  const { pool, calls } = fakePool();
  const withPool = new CachedDecoder(model, { pool, scheduler: manual() });
  withPool.request('warm', 'no-such-word');
  assert.deepEqual(calls.samplePath, []);
  assert.equal(withPool.building('warm', 'no-such-word'), false);
  const scheduler = manual();
  const here = new CachedDecoder(model, { scheduler });
  here.request('no-such-word', 'warm');
  assert.equal(scheduler.pending, 1);
  scheduler.runTurn();
  assert.equal(scheduler.pending, 0);
  assert.equal(scheduler.stats.slices, 1);
  assert.equal(here.ready('no-such-word', 'warm'), false);
});

test('prepare builds a queued pair now and drops its queued build; touch puts a build first and tells the pool', () => {
  const { pool, calls } = fakePool();
  const scheduler = manual();
  const d = new CachedDecoder(model, { pool, scheduler, steps: 9 });
  d.request('warm', 'bright', true);
  d.request('warm', 'clear', true);
  assert.deepEqual(scheduler.order(), [d.jobKey('warm', 'bright'), d.jobKey('warm', 'clear')]);
  d.touch('warm', 'clear');
  assert.deepEqual(scheduler.order(), [d.jobKey('warm', 'clear'), d.jobKey('warm', 'bright')]);
  assert.deepEqual(calls.touch, [d.jobKey('warm', 'clear')]);
  d.prepare('warm', 'bright');
  assert.equal(d.ready('warm', 'bright'), true);
  assert.equal(d.table('warm', 'bright').steps, 9, 'the steps asked for');
  assert.deepEqual(scheduler.order(), [d.jobKey('warm', 'clear')]);
  d.request('warm', 'bright', true);
  assert.equal(scheduler.pending, 1, 'a built pair is not queued again');
});

test('the word list is read once, words are looked up, and without a sound map a map point is the first word', () => {
  const d = new CachedDecoder(model);
  assert.equal(d.terms, d.terms);
  assert.deepEqual(d.terms, model.terms);
  assert.equal(d.hasTerm('warm'), true);
  assert.equal(d.hasTerm('no-such-word'), false);
  assert.deepEqual(d.wordLatent('warm'), model.term('warm')!.z);
  assert.equal(d.map, null);
  const first = model.terms[0]!;
  close(bandsToParams(d.decodeMap(0.2, 0.7)), bandsToParams(model.decode(first, first, 0, { sorted: false })), 1e-4, 'map point');
});
