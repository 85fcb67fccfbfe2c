import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PARAM_COUNT, type BandSpec } from '../../src/eq/bands.js';
import type { DenseDecoderData } from '../../src/morph/dense-decoder.js';
import { FitPool } from '../../src/morph/fit-pool.js';
import { fitPath } from '../../src/morph/layout-path.js';
import { FOUR_BANDS } from '../support/layouts.js';

/** A pair's path of `steps` rows, straight from one five-band setting to another (flat, PARAM_COUNT per row). */
function rows(steps: number): Float64Array {
  const a = [3, 120, 4, 300, 1, -1, 1500, 2, 2, 4000, 1.5, -3, 9000];
  const b = [-2, 200, 1, 250, 0.8, 3, 2000, 1, -1, 5000, 2, 4, 7000];
  const out = new Float64Array(steps * PARAM_COUNT);
  for (let i = 0; i < steps; i++) for (let j = 0; j < PARAM_COUNT; j++) out[i * PARAM_COUNT + j] = a[j]! + (i / (steps - 1)) * (b[j]! - a[j]!);
  return out;
}

test('a pool needs a worker, and has a decoder only once it is given one', async () => {
  assert.throws(() => new FitPool(0), RangeError);
  const pool = new FitPool(1);
  assert.equal(pool.hasDecoder, false);
  await assert.rejects(pool.samplePath('k', [0], [1], 3), /no decoder/);
  pool.useDecoder({} as DenseDecoderData);
  assert.equal(pool.hasDecoder, true);
  await pool.close();
});

test('one worker serves the line first come, first served, except a touched request, which goes next', async () => {
  const pool = new FitPool(1);
  try {
    const done: string[] = [];
    const ask = (key: string) => pool.shape(key, rows(5)).then(() => void done.push(key));
    const all = ['a', 'b', 'c', 'd'].map(ask);
    pool.touch('c');
    pool.touch('nothing waits under this key');
    assert.equal(pool.pending, 4);
    await Promise.all(all);
    assert.deepEqual(done, ['a', 'c', 'b', 'd']);
    assert.equal(pool.pending, 0);
  } finally {
    await pool.close();
  }
});

test('a request the worker cannot serve is rejected with its reason, and the worker goes on with the next', async () => {
  const pool = new FitPool(1);
  try {
    pool.useDecoder({} as DenseDecoderData); // not a decoder: the worker fails to build one, and says so per request
    await assert.rejects(pool.samplePath('k', [0, 0], [1, 1], 3));
    const shaped = await pool.shape('next', rows(3));
    assert.equal(shaped.length, 3 * PARAM_COUNT);
  } finally {
    await pool.close();
  }
});

test('closing rejects what waits and what runs, and every later request', async () => {
  const pool = new FitPool(1);
  const running = assert.rejects(pool.shape('a', rows(5)), /closed/);
  const waiting = assert.rejects(pool.shape('b', rows(5)), /closed/);
  await pool.close();
  await running;
  await waiting;
  await assert.rejects(pool.shape('c', rows(5)), /closed/);
});

test('a fit in a worker is the fit on this thread: parameters and each row error', async () => {
  const specs: BandSpec[] = [...FOUR_BANDS];
  const flat = rows(3);
  const here = fitPath(Array.from({ length: 3 }, (_, i) => flat.subarray(i * PARAM_COUNT, (i + 1) * PARAM_COUNT)), specs);
  const pool = new FitPool(1);
  try {
    const there = await pool.fit('k', flat, specs);
    assert.deepEqual(Array.from(there.params), here.flatMap((f) => f.params));
    assert.deepEqual(Array.from(there.maeDb), here.map((f) => f.maeDb));
  } finally {
    await pool.close();
  }
});

test('a worker that dies fails its request, and the next request gets a worker of its own', async () => {
  const pool = new FitPool(1);
  try {
    pool.useDecoder(null as unknown as DenseDecoderData); // a worker cannot build a decoder from nothing: it dies of it
    const first = pool.shape('a', rows(3));
    const second = pool.shape('b', rows(3));
    await assert.rejects(first);
    await assert.rejects(second); // its own worker, which dies of the same decoder
    assert.equal(pool.pending, 0);
  } finally {
    await pool.close();
  }
});
