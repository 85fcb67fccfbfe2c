// Shapes a pair's decoded path before it becomes a table: each sample moved onto the straight line between the ends' responses, then spread evenly; pure.

import { PARAMS, PARAM_COUNT } from '../eq/bands.js';
import { fitParametric } from '../eq/fit.js';
import { logGrid } from '../eq/grid.js';
import { responseFromParams } from '../eq/response.js';
import { rmsDistanceDb } from '../model/path-metrics.js';

/** Responses are compared on 64 log-spaced points (a tenth of an octave apart), as the layout fitter does. */
const GRID: Float64Array = logGrid(64);
/** Every STRIDE-th sample is fitted; the ones between are interpolated (1/32 of α apart at 129 samples: a few LM steps each). */
export const STRIDE = 16;
/** LM iterations per fitted sample: it starts from its neighbour's fit, already close. */
const ITERATIONS = 10;
/**
 * Pull toward the neighbour's fit (per squared unit: dB, natural log of Hz and Q) against the sum of squared dB errors
 * on 64 points. Small: it only keeps bands the response does not need (near 0 dB) from wandering.
 */
const STAY_NEAR = 0.05;
/** LM iterations for a lone sample started from the model's decode, which is further from its target than a neighbour's fit. */
const SAMPLE_ITERATIONS = 25;

/** A chain whose last fit misses its far end by at most this (RMS dB) is kept without trying the other direction. */
const FAR_END_DB = 0.05;
/** Far-end settings this near the model's own (gains in 6 dB, frequencies and Qs in octaves, Euclidean) are replaced by them. */
const FAR_END_SNAP = 0.25;

const LOG = PARAMS.map((p) => p.kind !== 'gain');

/** Interpolates two parameter rows the way a pair table does: linearly in gain, geometrically in frequency and Q. */
export function mixRows(a: ArrayLike<number>, b: ArrayLike<number>, t: number): number[] {
  return Array.from({ length: PARAM_COUNT }, (_, j) => (LOG[j] ? a[j]! * (b[j]! / a[j]!) ** t : a[j]! + t * (b[j]! - a[j]!)));
}

/** Fits the straight-line targets at `indices` in order, each started from the previous fit (the first from `start`). */
type Chain = { fits: Map<number, number[]>; worstFitDb: number; lastFitDb: number };

/** Yields after each fit, so a background build can spread a chain over several slices of work. */
function* chain(a: Float64Array, b: Float64Array, n: number, indices: readonly number[], start: readonly number[]): Generator<void, Chain, void> {
  const fits = new Map<number, number[]>();
  let previous = Array.from(start);
  let worstFitDb = 0;
  let lastFitDb = 0;
  for (const i of indices) {
    const alpha = i / (n - 1);
    const target = a.map((v, f) => (1 - alpha) * v + alpha * b[f]!);
    const fit = fitParametric(target, GRID, { initial: previous, starts: 0, reseed: false, sort: false, iterations: ITERATIONS, stayNear: STAY_NEAR });
    worstFitDb = Math.max(worstFitDb, fit.rmsDb);
    lastFitDb = fit.rmsDb;
    previous = fit.params;
    fits.set(i, fit.params);
    yield;
  }
  return { fits, worstFitDb, lastFitDb };
}

/** How unlike two parameter rows are: gains in units of 6 dB, frequencies and Qs in octaves. */
function rowDistance(x: readonly number[], y: readonly number[]): number {
  let d = 0;
  for (let j = 0; j < PARAM_COUNT; j++) d += (LOG[j] ? Math.log2(x[j]! / y[j]!) : (x[j]! - y[j]!) / 6) ** 2;
  return Math.sqrt(d);
}

/**
 * The straightened path: the 5-band settings whose response is closest to (1 - α) A + α B, the straight line between
 * the ends' responses, at every STRIDE-th sample; the rows between are interpolated. This is what a listener expects
 * of a blend (halfway sounds halfway, no band neither end asked for), which the decoder's interpolated latent point
 * only approximates. The samples are fitted as a chain, each started from its neighbour (1/16 of α away, so a few LM
 * steps), so the bands move continuously from the model's own decode of the start to a fit of the far end's sound.
 * That fit may make the far end's sound with other bands than the model's decode does (two peaking bands trade roles
 * where one passes 0 dB), and snapping to the model's parameters would then swap them in one step; so the far end
 * keeps the chain's settings unless they are the model's own within FAR_END_SNAP. A chain from B is tried when the
 * chain from A misses B by more than FAR_END_DB; the one landing nearer its far end's sound is kept. `farEndDb` is
 * that miss (RMS dB), 0 where the far end snapped.
 */
export function straightenPath(rows: readonly (readonly number[])[]): { rows: number[][]; worstFitDb: number; farEndDb: number } {
  return runToEnd(straightenSteps(rows));
}

/** straightenPath, yielding after each fit (see chain). */
function* straightenSteps(rows: readonly (readonly number[])[]): Generator<void, { rows: number[][]; worstFitDb: number; farEndDb: number }, void> {
  const n = rows.length;
  const a = responseFromParams(rows[0]!, GRID);
  const b = responseFromParams(rows[n - 1]!, GRID);
  const inner: number[] = [];
  for (let i = STRIDE; i < n - 1; i += STRIDE) inner.push(i);
  const forward = yield* chain(a, b, n, [...inner, n - 1], rows[0]!);
  const backward = forward.lastFitDb <= FAR_END_DB ? null : yield* chain(a, b, n, [...inner.slice().reverse(), 0], rows[n - 1]!);
  const kept = backward && backward.lastFitDb < forward.lastFitDb ? backward : forward;
  const [near, far] = kept === forward ? [0, n - 1] : [n - 1, 0];
  const anchors = new Map(kept.fits);
  anchors.set(near, Array.from(rows[near]!));
  const snapped = rowDistance(anchors.get(far)!, rows[far]!) <= FAR_END_SNAP;
  if (snapped) anchors.set(far, Array.from(rows[far]!));
  const keys = [...anchors.keys()].sort((x, y) => x - y);
  const out = rows.map((_, i) => {
    const hit = anchors.get(i);
    if (hit) return hit;
    const k = keys.findIndex((x) => x > i);
    const lo = keys[k - 1]!;
    const hi = keys[k]!;
    return mixRows(anchors.get(lo)!, anchors.get(hi)!, (i - lo) / (hi - lo));
  });
  return { rows: out, worstFitDb: kept.worstFitDb, farEndDb: snapped ? 0 : kept.lastFitDb };
}

/**
 * One straightened sample alone, for the first answer of a pair whose table is not built yet: a fit to the straight
 * line between the ends' responses, started from the model's own decode at α. It lands in the same place as the
 * table's chain where both find the same optimum (the table may differ where the chain has handed a job to another band).
 */
export function straightenSample(rowA: ArrayLike<number>, rowB: ArrayLike<number>, row: ArrayLike<number>, alpha: number): number[] {
  if (alpha <= 0) return Array.from(rowA);
  if (alpha >= 1) return Array.from(rowB);
  const a = responseFromParams(rowA, GRID);
  const b = responseFromParams(rowB, GRID);
  const target = a.map((v, f) => (1 - alpha) * v + alpha * b[f]!);
  return fitParametric(target, GRID, { initial: row, starts: 0, reseed: false, sort: false, iterations: SAMPLE_ITERATIONS, stayNear: STAY_NEAR }).params;
}

/**
 * Re-samples a path so equal steps of α make equal changes of sound: rows are placed at equal cumulative response
 * distance (RMS dB on a log grid) from A, each interpolated between the two rows that bracket it. Ends are kept.
 */
export function evenPath(rows: readonly (readonly number[])[]): number[][] {
  const n = rows.length;
  const responses = rows.map((r) => responseFromParams(r, GRID));
  const cumulative = [0];
  for (let i = 1; i < n; i++) cumulative.push(cumulative[i - 1]! + rmsDistanceDb(responses[i]!, responses[i - 1]!));
  const total = cumulative[n - 1]!;
  if (!(total > 1e-9)) return rows.map((r) => Array.from(r));
  let seg = 0;
  return rows.map((_, j) => {
    if (j === 0 || j === n - 1) return Array.from(rows[j]!);
    const s = (total * j) / (n - 1);
    while (seg < n - 2 && cumulative[seg + 1]! < s) seg++;
    const span = cumulative[seg + 1]! - cumulative[seg]!;
    return mixRows(rows[seg]!, rows[seg + 1]!, span > 0 ? (s - cumulative[seg]!) / span : 0);
  });
}

/** The path a pair table is built from: straightened, then spread evenly over α. */
export function shapePath(rows: readonly (readonly number[])[]): number[][] {
  return runToEnd(shapePathSteps(rows));
}

/** shapePath, yielding after each of its fits: a background build runs it a slice at a time between fader events. */
export function* shapePathSteps(rows: readonly (readonly number[])[]): Generator<void, number[][], void> {
  return rows.length < 3 ? rows.map((r) => Array.from(r)) : evenPath((yield* straightenSteps(rows)).rows);
}

function runToEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
