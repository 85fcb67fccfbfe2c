// A worker thread of the fit pool: shapes a pair's path and fits a layout along it, off the thread that serves the faders.

import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { BandSpec } from '../eq/bands.js';
import { PARAM_COUNT } from '../eq/bands.js';
import { fitAlongPath, fitLayoutSample, seedFromSource } from './layout-path.js';
import { shapePathSteps, straightenedPoint, straightenSample } from './path-shape.js';
import type { DecoderMessage, FitRequest, FitReply, PointSource } from './fit-pool.js';
import { DenseDecoder } from './dense-decoder.js';
import { FIT_THREAD, leaveRealtime, nameThisThread } from '../system/scheduling.js';

nameThisThread(FIT_THREAD);

// Behind the bridge's own thread: Linux keeps a nice value per thread, and setpriority() on pid 0 changes only this one.
// A fit waits a little longer when the machine is busy; a fader never waits for a fit.
try {
  setPriority(0, Math.min(19, getPriority(0) + 5));
} catch {
  // not allowed here: the fits run at the bridge's priority
}
// Under a bridge whose threads are realtime (`eqmorph run --realtime`) this one started realtime too, where the nice
// value just set does not count: a fit is no fader's business. Messages wait in the port meanwhile.
await leaveRealtime();

/**
 * Milliseconds of a path's work between two looks at the messages: a point asked meanwhile (a channel's first answer,
 * which the bridge holds back until it comes) waits at most this long, plus the fit in progress.
 */
const CHUNK_MS = 2;

/**
 * A desk channel's four bands (shelves at the ends), for the warm-up's fits. Made-up settings of two words follow:
 * in range, different enough that every band moves.
 */
const WARM_UP_LAYOUT: readonly BandSpec[] = [
  { type: 'lowshelf', freq: { min: 20, max: 1000 }, fixedQ: 0.71, gain: { min: -15, max: 15 }, q: { min: 0.3, max: 10 } },
  { type: 'peaking', freq: { min: 40, max: 16000 }, fixedQ: null, gain: { min: -15, max: 15 }, q: { min: 0.3, max: 10 } },
  { type: 'peaking', freq: { min: 40, max: 16000 }, fixedQ: null, gain: { min: -15, max: 15 }, q: { min: 0.3, max: 10 } },
  { type: 'highshelf', freq: { min: 500, max: 20000 }, fixedQ: 0.71, gain: { min: -15, max: 15 }, q: { min: 0.3, max: 10 } },
];
const WARM_UP_WORDS = [
  [3, 120, -2, 400, 1, 1, 2500, 2, -1, 6000, 0.7, 2, 9000],
  [-4, 90, 3, 800, 2, -2, 1800, 1.2, 4, 5000, 1.5, 5, 11000],
] as const;
const WARM_UP_ROUNDS = 12;

/**
 * Runs a point's work (a straightened sample, a layout fit) on made-up settings a few times as the thread starts, while
 * the bridge is still loading: the first fits of a thread run in V8's interpreter, 50-80 ms each against 1-5 ms
 * compiled, and the first answers a desk waits for at start (its channels' words, a moved channel's samples) are
 * then made by compiled code. About 150 ms of this thread's time.
 */
function warmUp(): void {
  const [a, b] = WARM_UP_WORDS;
  for (let k = 1; k <= WARM_UP_ROUNDS; k++) {
    const alpha = k / (WARM_UP_ROUNDS + 1);
    const row = straightenSample(a, b, alpha);
    fitLayoutSample(row, WARM_UP_LAYOUT, seedFromSource(row, WARM_UP_LAYOUT));
  }
}
try {
  warmUp();
} catch {
  // only a head start: the real work reports its own errors
}

let decoder: DenseDecoder | null = null;

function decode(z: ArrayLike<number>): Float64Array {
  if (!decoder) throw new Error('no decoder was sent to this worker');
  return decoder.decode(z);
}

/** `steps` samples of the latent line za..zb, decoded (a pair table's rows before shaping), yielding after each. */
function* samples(za: Float64Array, zb: Float64Array, steps: number): Generator<void, number[][], void> {
  const z = new Float64Array(za.length);
  const rows: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const t = i / (steps - 1);
    for (let j = 0; j < z.length; j++) z[j] = (1 - t) * za[j]! + t * zb[j]!;
    rows.push(Array.from(decode(z)));
    yield;
  }
  return rows;
}

/** eqmorph's parameters at a point of a pair, as CachedDecoder answers before the pair's table is built. */
function pointRow(at: PointSource): ArrayLike<number> {
  return 'row' in at ? at.row : straightenedPoint((zs) => zs.map(decode), at.za, at.zb, at.alpha);
}

function flat(rows: readonly ArrayLike<number>[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, i) => out.set(r, i * width));
  return out;
}

/** A path's work, one step (a fit, a decode) at a time: ends with the reply. */
function* job(req: Exclude<FitRequest, { kind: 'point' }>): Generator<void, FitReply, void> {
  if (req.kind === 'path') {
    const rows = yield* samples(req.za, req.zb, req.steps);
    return { id: req.id, ok: true, params: flat(yield* shapePathSteps(rows), PARAM_COUNT), maeDb: new Float64Array(0) };
  }
  const rows = Array.from({ length: req.rows.length / PARAM_COUNT }, (_, i) => req.rows.subarray(i * PARAM_COUNT, (i + 1) * PARAM_COUNT));
  if (req.kind === 'shape') return { id: req.id, ok: true, params: flat(yield* shapePathSteps(rows.map((r) => Array.from(r))), PARAM_COUNT), maeDb: new Float64Array(0) };
  const fits = yield* fitAlongPath(rows, req.specs as BandSpec[]);
  return { id: req.id, ok: true, params: flat(fits.map((f) => f.params), fits[0]!.params.length), maeDb: Float64Array.from(fits, (f) => f.maeDb) };
}

function failed(id: number, err: unknown): FitReply {
  return { id, ok: false, error: (err as Error).message };
}

/** The path being worked on: the pool sends one at a time, and points in between. */
let current: { readonly id: number; readonly steps: Generator<void, FitReply, void> } | null = null;
/** Points asked and not answered yet, in the order they came. */
const points: Extract<FitRequest, { kind: 'point' }>[] = [];
let scheduled = false;

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    step();
  });
}

/**
 * One piece of work, then the messages that came meanwhile: a point (an urgent one first: a channel being moved, ahead
 * of the other channels' starts), else CHUNK_MS of the current path.
 */
function step(): void {
  if (points.length > 0) {
    const urgent = points.findIndex((p) => p.urgent);
    answerPoint(points.splice(urgent >= 0 ? urgent : 0, 1)[0]!);
  } else work();
  if (points.length > 0 || current) schedule();
}

function answerPoint(req: Extract<FitRequest, { kind: 'point' }>): void {
  let reply: FitReply;
  try {
    const row = pointRow(req.at);
    const specs = req.specs as BandSpec[];
    const fit = fitLayoutSample(row, specs, req.initial ?? seedFromSource(row, specs));
    reply = { id: req.id, ok: true, params: Float64Array.from(fit.params), maeDb: Float64Array.of(fit.maeDb) };
  } catch (err) {
    reply = failed(req.id, err);
  }
  parentPort!.postMessage(reply);
}

/** Runs the current path's steps for CHUNK_MS. */
function work(): void {
  const job = current;
  if (!job) return;
  const start = performance.now();
  try {
    do {
      const next = job.steps.next();
      if (next.done) {
        current = null;
        parentPort!.postMessage(next.value);
        return;
      }
    } while (performance.now() - start < CHUNK_MS);
  } catch (err) {
    current = null;
    parentPort!.postMessage(failed(job.id, err));
  }
}

parentPort!.on('message', (req: FitRequest | DecoderMessage) => {
  if (req.kind === 'decoder') {
    decoder = DenseDecoder.fromData(req.decoder);
    return;
  }
  // A point is answered between two chunks of the path in progress, ahead of the path.
  if (req.kind === 'point') points.push(req);
  else current = { id: req.id, steps: job(req) };
  schedule();
});
