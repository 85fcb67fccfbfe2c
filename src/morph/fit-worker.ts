// A worker thread of the fit pool: shapes a pair's path and fits a layout along it, off the thread that serves the faders.

import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { BandSpec } from '../eq/bands.js';
import { PARAM_COUNT } from '../eq/bands.js';
import { fitLayoutSample, fitPath, seedFromSource } from './layout-path.js';
import { shapePath } from './path-shape.js';
import type { DecoderMessage, FitRequest, FitReply } from './fit-pool.js';
import { DenseDecoder } from './dense-decoder.js';

// Behind the bridge's own thread: Linux keeps a nice value per thread, and setpriority() on pid 0 changes only this one.
// A fit waits a little longer when the machine is busy; a fader never waits for a fit.
try {
  setPriority(0, Math.min(19, getPriority(0) + 5));
} catch {
  // not allowed here: the fits run at the bridge's priority
}

let decoder: DenseDecoder | null = null;

/** `steps` samples of the latent line za..zb, decoded: a pair table's rows before shaping. */
function samples(za: Float64Array, zb: Float64Array, steps: number): number[][] {
  if (!decoder) throw new Error('no decoder was sent to this worker');
  const z = new Float64Array(za.length);
  return Array.from({ length: steps }, (_, i) => {
    const t = i / (steps - 1);
    for (let j = 0; j < z.length; j++) z[j] = (1 - t) * za[j]! + t * zb[j]!;
    return Array.from(decoder!.decode(z));
  });
}

parentPort!.on('message', (req: FitRequest | DecoderMessage) => {
  if (req.kind === 'decoder') {
    decoder = DenseDecoder.fromData(req.decoder);
    return;
  }
  let reply: FitReply;
  try {
    if (req.kind === 'path') {
      const params = new Float64Array(req.steps * PARAM_COUNT);
      shapePath(samples(req.za, req.zb, req.steps)).forEach((r, i) => params.set(r, i * PARAM_COUNT));
      parentPort!.postMessage({ id: req.id, ok: true, params, maeDb: new Float64Array(0) } satisfies FitReply);
      return;
    }
    if (req.kind === 'word') {
      if ('z' in req.word && !decoder) throw new Error('no decoder was sent to this worker');
      const row = 'z' in req.word ? decoder!.decode(req.word.z) : req.word.row;
      const fit = fitLayoutSample(row, req.specs as BandSpec[], seedFromSource(row, req.specs as BandSpec[]));
      parentPort!.postMessage({ id: req.id, ok: true, params: Float64Array.from(fit.params), maeDb: Float64Array.of(fit.maeDb) } satisfies FitReply);
      return;
    }
    const rows = Array.from({ length: req.rows.length / PARAM_COUNT }, (_, i) => req.rows.subarray(i * PARAM_COUNT, (i + 1) * PARAM_COUNT));
    if (req.kind === 'shape') {
      const params = new Float64Array(req.rows.length);
      shapePath(rows.map((r) => Array.from(r))).forEach((r, i) => params.set(r, i * PARAM_COUNT));
      reply = { id: req.id, ok: true, params, maeDb: new Float64Array(0) };
    } else {
      const fits = fitPath(rows, req.specs as BandSpec[]);
      const width = fits[0]!.params.length;
      const params = new Float64Array(fits.length * width);
      fits.forEach((f, i) => params.set(f.params, i * width));
      reply = { id: req.id, ok: true, params, maeDb: Float64Array.from(fits, (f) => f.maeDb) };
    }
  } catch (err) {
    reply = { id: req.id, ok: false, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
