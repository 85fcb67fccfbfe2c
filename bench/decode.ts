// Benchmark: µs per fader event with a fresh model.predict per event (the seed's way) against the bridge's cached path.

import * as tf from '../src/model/tf.js';
import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import { soundMapFor } from '../src/model/sound-map-file.js';
import { padEdges } from '../src/morph/xy-patch.js';

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Times `fn` over `events` alpha values in batches, returning the median µs per event across batches. */
function timePerEvent(events: number, batch: number, fn: (alpha: number) => unknown): number {
  const perBatch: number[] = [];
  for (let start = 0; start < events; start += batch) {
    const t0 = performance.now();
    for (let i = start; i < Math.min(events, start + batch); i++) fn((i * 0.6180339887) % 1);
    perBatch.push(((performance.now() - t0) * 1000) / Math.min(batch, events - start));
  }
  return median(perBatch);
}

export async function benchDecode(opts: { quick?: boolean; modelDir?: string } = {}) {
  await initBackend();
  const model = await EqModel.load(opts.modelDir ?? DEFAULT_MODEL_DIR);
  const [a, b] = model.terms as [string, string];
  const decoder = new CachedDecoder(model);
  const events = opts.quick ? 2000 : 10000;
  // Warm both paths so neither pays for first-call compilation or the table build.
  for (let i = 0; i < 50; i++) model.decode(a, b, i / 50);
  decoder.prepare(a, b);
  const tensorsBefore = tf.memory().numTensors;
  const predictUs = timePerEvent(Math.min(events, 3000), 100, (x) => model.decode(a, b, x));
  const pipelineUs = timePerEvent(events * 10, 1000, (x) => decoder.decode(a, b, x));
  // An XY pad event: while the corner set's grid builds, four edge-table reads and the Coons blend of their parameters;
  // once it is built (as after a corner change settles), a read of its cell (two edge-table reads at most).
  const corners = [a, b, model.terms[2] ?? a, model.terms[3] ?? b] as const;
  for (const [p, q] of padEdges(corners)) decoder.prepare(p, q);
  const xyPatchUs = timePerEvent(events * 10, 1000, (x) => decoder.decodeXY(corners, x, 1 - x));
  const gridStart = process.cpuUsage();
  decoder.preparePad(corners);
  const gridCpu = process.cpuUsage(gridStart);
  const xyUs = timePerEvent(events * 10, 1000, (x) => decoder.decodeXY(corners, x, 1 - x));
  // A sound-map event: a bilinear read of the map's grid.
  const points = soundMapFor(model, opts.modelDir ?? DEFAULT_MODEL_DIR).map.points;
  const withMap = new CachedDecoder(model, { soundMap: points });
  withMap.map!.build();
  const mapUs = timePerEvent(events * 10, 1000, (x) => withMap.decodeMap(x, 1 - x));
  // A pair switch builds a new table: one batched predict of `steps` latent points.
  const switchMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const fresh = new CachedDecoder(model);
    const t0 = performance.now();
    fresh.prepare(b, a);
    switchMs.push(performance.now() - t0);
  }
  return {
    predictUs,
    pipelineUs,
    xyUs,
    xyPatchUs,
    /** CPU ms of building one corner set's grid (its edge tables built). */
    padGridMs: (gridCpu.user + gridCpu.system) / 1000,
    mapUs,
    speedup: predictUs / pipelineUs,
    tableBuildMs: median(switchMs),
    tableSteps: decoder.steps,
    tensorLeak: tf.memory().numTensors - tensorsBefore,
    backend: tf.getBackend(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchDecode({ quick: process.argv.includes('--quick') });
  process.stdout.write(JSON.stringify(r, null, 2) + '\n');
}
