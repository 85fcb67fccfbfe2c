// A worker thread of the fit pool: fits a layout along a pair's morph path, off the thread that serves the faders.

import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { BandSpec } from '../eq/bands.js';
import { PARAM_COUNT } from '../eq/bands.js';
import { fitPath } from './layout-path.js';
import type { FitRequest, FitReply } from './fit-pool.js';

// Behind the bridge's own thread: Linux keeps a nice value per thread, and setpriority() on pid 0 changes only this one.
// A fit waits a little longer when the machine is busy; a fader never waits for a fit.
try {
  setPriority(0, Math.min(19, getPriority(0) + 5));
} catch {
  // not allowed here: the fits run at the bridge's priority
}

parentPort!.on('message', (req: FitRequest) => {
  let reply: FitReply;
  try {
    const rows = Array.from({ length: req.rows.length / PARAM_COUNT }, (_, i) => req.rows.subarray(i * PARAM_COUNT, (i + 1) * PARAM_COUNT));
    const fits = fitPath(rows, req.specs as BandSpec[]);
    const width = fits[0]!.params.length;
    const params = new Float64Array(fits.length * width);
    fits.forEach((f, i) => params.set(f.params, i * width));
    reply = { id: req.id, ok: true, params, maeDb: Float64Array.from(fits, (f) => f.maeDb) };
  } catch (err) {
    reply = { id: req.id, ok: false, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
