// Fits another EQ's band layout to eqmorph's response along a pair's morph path, each α sample warm-started from the last; pure.

import { paramsToBands, type Band, type BandSpec } from '../eq/bands.js';
import { fitParametric, gainRangeOf, qRangeOf, refineFit, type FitResult } from '../eq/fit.js';
import { DEFAULT_GRID, logGrid } from '../eq/grid.js';
import { snapToSteps } from './layout-steps.js';
import { runToEnd } from './build-scheduler.js';
import { maxAbsDiffDb, responseDb, responseFromParams } from '../eq/response.js';
import { clamp, type Db, type Hz, type Q } from '../eq/units.js';

/**
 * The fit compares responses on 64 log-spaced points, 20 Hz..20 kHz (a tenth of an octave apart): about three times
 * cheaper than the 200-point evaluation grid, and the fitted EQs (Q at most 10) have no detail between the points
 * that the 200-point error would see (measured in bench/layout.ts).
 */
export const FIT_GRID: Float64Array = logGrid(64);

/** LM iterations for a warm-started sample: a neighbour 1/128 of α away is a few steps from its optimum. */
const WARM_ITERATIONS = 30;
/**
 * fitParametric's stayNear for warm-started samples (see there). 0.1 per squared octave-ish unit against 64 squared dB
 * errors: bands near 0 dB stop wandering (their largest frequency step along a path fell from 9.4 to under 0.04
 * octaves in bench/layout.ts) while the response error moved by under 0.002 dB.
 */
export const STAY_NEAR = 0.1;

/** A layout's parameter order: gain, freq and (where Q is free) q per band, as fitParametric returns them. */
function paramKinds(specs: readonly BandSpec[]): ('gain' | 'freq' | 'q')[] {
  return specs.flatMap((s) => (s.fixedQ === null ? (['gain', 'freq', 'q'] as const) : (['gain', 'freq'] as const)));
}

/** Layout parameters a fraction `f` of the way from `a` to `b` as a table is read between two samples: gains in dB, frequencies and Qs in log. */
function blendParams(kinds: readonly ('gain' | 'freq' | 'q')[], a: readonly number[], b: readonly number[], f: number): number[] {
  return a.map((x, j) => (kinds[j] === 'gain' ? x + f * (b[j]! - x) : x * (b[j]! / x) ** f));
}

/** Layout parameters as a fit of `target` (its response on FIT_GRID): their bands and their errors against it. */
function scoredFit(specs: readonly BandSpec[], params: number[], target: ArrayLike<number>): FitResult {
  const bands = layoutBands(specs, params);
  const r = responseDb(bands, FIT_GRID);
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < r.length; i++) {
    const d = r[i]! - target[i]!;
    abs += Math.abs(d);
    sq += d * d;
  }
  return { params, bands, maeDb: abs / r.length, rmsDb: Math.sqrt(sq / r.length) };
}

/**
 * A first guess for a layout from eqmorph's own five bands (13 parameters): shelves take the matching shelf, peaking
 * bands take the source's peaking bands named by `peaks` (indices among the source's three, in the order the target's
 * peaking bands take them; by default the strongest by |gain|, in ascending frequency), and spare peaking bands start
 * flat, spread over their range. A good guess matters beyond speed: it puts a fit in the optimum that does what
 * eqmorph's bands do.
 */
export function seedFromSource(row: ArrayLike<number>, specs: readonly BandSpec[], peaks?: readonly number[]): number[] {
  const src = paramsToBands(row);
  const srcPeaks = src.filter((b) => b.type === 'peaking');
  const wanted = specs.filter((s) => s.type === 'peaking').length;
  const chosen = peaks
    ? peaks.map((i) => srcPeaks[i]!)
    : srcPeaks
        .slice()
        .sort((a, b) => Math.abs(b.gain) - Math.abs(a.gain))
        .slice(0, wanted)
        .sort((a, b) => a.freq - b.freq);
  const spare = wanted - chosen.length;
  let peakIndex = 0;
  let spareIndex = 0;
  return specs.flatMap((spec) => {
    let band: { gain: number; freq: number; q: number };
    if (spec.type !== 'peaking') {
      const shelf = src.find((b) => b.type === spec.type);
      band = shelf ? { gain: shelf.gain, freq: shelf.freq, q: shelf.q } : { gain: 0, freq: Math.sqrt(spec.freq.min * spec.freq.max), q: 1 };
    } else if (peakIndex < chosen.length) {
      const p = chosen[peakIndex++]!;
      band = { gain: p.gain, freq: p.freq, q: p.q };
    } else {
      const f = (spareIndex++ + 1) / (spare + 1);
      band = { gain: 0, freq: spec.freq.min * (spec.freq.max / spec.freq.min) ** f, q: 1 };
    }
    const g = gainRangeOf(spec);
    const q = qRangeOf(spec);
    const out = [clamp(band.gain, g.min, g.max), clamp(band.freq, spec.freq.min, spec.freq.max)];
    if (spec.fixedQ === null) out.push(clamp(band.q, q.min, q.max));
    return out;
  });
}

/**
 * Which of the source's peaking bands a path's seeds use, fixed for the whole path: the strongest on average over the
 * path (mean |gain|), ordered by their mean frequency. eqmorph's decoder keeps each band continuous along a path, so
 * a seed built from the same source bands at every sample moves continuously too.
 */
/** Whether a layout has room for all of eqmorph's bands (a shelf of each kind, three peaking bands or more): its fits copy them. */
function copiesBands(specs: readonly BandSpec[]): boolean {
  return specs.filter((s) => s.type === 'peaking').length >= 3 && specs.some((s) => s.type === 'lowshelf') && specs.some((s) => s.type === 'highshelf');
}

export function pathPeaks(rows: readonly ArrayLike<number>[], specs: readonly BandSpec[]): number[] {
  const wanted = specs.filter((s) => s.type === 'peaking').length;
  const stats = [0, 1, 2].map((i) => ({ i, gain: 0, logFreq: 0 }));
  for (const row of rows) {
    paramsToBands(row)
      .filter((b) => b.type === 'peaking')
      .forEach((b, i) => {
        stats[i]!.gain += Math.abs(b.gain);
        stats[i]!.logFreq += Math.log(b.freq);
      });
  }
  return stats
    .sort((a, b) => b.gain - a.gain)
    .slice(0, wanted)
    .sort((a, b) => a.logFreq - b.logFreq)
    .map((s) => s.i);
}

/**
 * Fits the layout to the response of one row of eqmorph's parameters. With `previous` (the neighbouring sample's
 * fit) only that warm start is refined, without restarts or sorting, so the parameters move continuously along the
 * path; without it, a full multi-start fit seeded from the source bands.
 */
export function fitLayoutSample(row: ArrayLike<number>, specs: readonly BandSpec[], previous?: ArrayLike<number>): FitResult {
  const target = responseFromParams(row, FIT_GRID);
  if (previous) return refineFit(target, FIT_GRID, previous, WARM_ITERATIONS, STAY_NEAR, specs);
  return fitParametric(target, FIT_GRID, { bands: specs, initial: seedFromSource(row, specs), sort: false });
}

/** Every COARSE-th sample of a path is fitted first; the samples between are interpolated where that is as good. */
const COARSE = 4;
/** How much worse than its two fitted neighbours an interpolated sample may be, dB of response error (FIT_GRID MAE). */
const INTERPOLATION_SLACK_DB = 0.02;

/**
 * Fits a path, yielding after each fit so a caller can spread the work over several turns of the event loop, and
 * returns one fit per row in α order. Fitting every row is most of a table's cost, and most of a path is straight in
 * the fitted layout's terms: so every COARSE-th row is fitted (as fitEvery does, both directions of a chain), and a row
 * between two fitted ones takes their interpolation (as the table is read) where its response is within
 * INTERPOLATION_SLACK_DB of theirs; where the path bends it is not, and the middle row is fitted, warm-started from the
 * interpolation, and each half is checked again. The rows interpolated cost one response each, a fit costs about 30.
 */
export function* fitAlongPath(rows: readonly ArrayLike<number>[], specs: readonly BandSpec[]): Generator<void, FitResult[], void> {
  return onDeskSteps(rows, specs, yield* fitContinuous(rows, specs));
}

/**
 * The path's two ends moved onto the desk's steps together (layout-steps.ts), where the layout has steps: a fader
 * parks at its ends, and there the desk then holds the values chosen for it rather than ones rounded one by one. The
 * samples between are left as fitted: the table is read between them, and the target encoder rounds what it reads.
 */
function onDeskSteps(rows: readonly ArrayLike<number>[], specs: readonly BandSpec[], fits: FitResult[]): FitResult[] {
  if (!specs.some((s) => s.steps)) return fits;
  const respond = (params: readonly number[]) => responseDb(layoutBands(specs, params), DEFAULT_GRID);
  for (const k of new Set([0, rows.length - 1])) {
    const target = responseFromParams(rows[k]!, DEFAULT_GRID);
    const params = snapToSteps(specs, fits[k]!.params, target, respond);
    // Its error on the fit's own grid, as every other sample's is kept.
    fits[k] = scoredFit(specs, params, responseFromParams(rows[k]!, FIT_GRID));
  }
  return fits;
}

function* fitContinuous(rows: readonly ArrayLike<number>[], specs: readonly BandSpec[]): Generator<void, FitResult[], void> {
  const n = rows.length;
  // A chain (a layout smaller than eqmorph's) follows one optimum from sample to sample: warm-started from neighbours
  // COARSE samples apart it can settle on another one, which at the ends of a path cost up to 0.3 dB against the
  // desk's 0.25 dB budget (measured on the X32 emulator, warm -> bright at α 0). Only copied layouts go coarse.
  if (n <= 2 * COARSE + 1 || !copiesBands(specs)) return yield* fitEvery(rows, specs);
  const coarse = Array.from({ length: Math.ceil((n - 1) / COARSE) + 1 }, (_, i) => Math.min(i * COARSE, n - 1));
  const fits: (FitResult | undefined)[] = new Array(n);
  const coarseFits = yield* fitEvery(
    coarse.map((i) => rows[i]!),
    specs,
  );
  coarse.forEach((i, k) => (fits[i] = coarseFits[k]));
  const kinds = paramKinds(specs);
  const targets = new Map<number, Float64Array>();
  const target = (k: number) => targets.get(k) ?? (targets.set(k, responseFromParams(rows[k]!, FIT_GRID)), targets.get(k)!);
  const between = (a: FitResult, b: FitResult, f: number) => blendParams(kinds, a.params, b.params, f);
  const asFit = (params: number[], k: number): FitResult => scoredFit(specs, params, target(k));
  const spans: [number, number][] = coarse.slice(1).map((j, k) => [coarse[k]!, j]);
  while (spans.length > 0) {
    const [i, j] = spans.pop()!;
    if (j - i < 2) continue;
    const a = fits[i]!;
    const b = fits[j]!;
    const allowed = Math.max(a.maeDb, b.maeDb) + INTERPOLATION_SLACK_DB;
    const tried = Array.from({ length: j - i - 1 }, (_, d) => asFit(between(a, b, (d + 1) / (j - i)), i + d + 1));
    if (tried.every((t) => t.maeDb <= allowed)) {
      tried.forEach((t, d) => (fits[i + d + 1] = t));
      continue;
    }
    const m = (i + j) >> 1;
    fits[m] = fitLayoutSample(rows[m]!, specs, tried[m - i - 1]!.params);
    yield;
    spans.push([i, m], [m, j]);
  }
  return fits as FitResult[];
}

/** How near the layout's copy of eqmorph's bands must sound to the row for the copy to count as exact, dB (largest difference on FIT_GRID). */
const COPY_TOLERANCE_DB = 0.01;

/**
 * Whether the layout's copy of a row's bands (its seed) sounds as the row does: false where a band of eqmorph's lies
 * outside the layout's ranges (a Q below the desk's lowest, as eqmorph's broadest bands are) and the copy is clamped.
 */
function copiesExactly(row: ArrayLike<number>, specs: readonly BandSpec[], peaks: readonly number[]): boolean {
  const copy = responseDb(layoutBands(specs, seedFromSource(row, specs, peaks)), FIT_GRID);
  const target = responseFromParams(row, FIT_GRID);
  for (let i = 0; i < target.length; i++) if (Math.abs(copy[i]! - target[i]!) > COPY_TOLERANCE_DB) return false;
  return true;
}

/**
 * Fits every row of a path, yielding after each fit, and returns the fits in α order. Where the layout has room for
 * all of eqmorph's bands (a shelf of each kind, three peaking bands or more) and copies every row's bands exactly,
 * each sample is refined from the path's seed, which copies them: eqmorph's decoder moves each band continuously along
 * a path, so the copy does too, and the fit stays at it. Elsewhere the path is fitted as a chain, each sample
 * warm-started from its neighbour so the parameters follow one optimum. That includes a layout with room for every band
 * where some row's copy is clamped: fitted apart, its samples settle on different optima (the same sound by other
 * bands), and a table read between two of them blends them through sounds neither has (a WING channel stepped 12 dB
 * for 0.01 of α that way). A chain can lose its optimum where the target moves on, and one started from the other end
 * usually loses it elsewhere, so both directions are fitted and the chain with the smaller worst error is kept (both
 * are continuous in the same way).
 */
function* fitEvery(rows: readonly ArrayLike<number>[], specs: readonly BandSpec[]): Generator<void, FitResult[], void> {
  const peaks = pathPeaks(rows, specs);
  if (copiesBands(specs) && rows.every((row) => copiesExactly(row, specs, peaks))) {
    const fits: FitResult[] = [];
    for (const row of rows) {
      fits.push(fitLayoutSample(row, specs, seedFromSource(row, specs, peaks)));
      yield;
    }
    return fits;
  }
  const forward = yield* chain(rows, specs, peaks);
  const backward = (yield* chain(rows.slice().reverse(), specs, peaks)).reverse();
  return yield* smoothestOf(rows, specs, forward, backward);
}

/**
 * How far a step between two samples of a fitted path may go beyond eqmorph's own step there before the path counts as
 * jumping, dB (largest difference on FIT_GRID). A sample is 1/128 of α, a little under a 0.01 move.
 */
const JUMP_DB = 0.25;
/** Blend windows tried where two chains are joined, in samples on each side of the join. */
const JOIN_WINDOWS = [4, 8, 16, 32] as const;
/** dB of step a join may give up for each dB it adds to the path's worst error (largest difference on FIT_GRID). */
const JOIN_ERROR_WEIGHT = 0.5;
/** How much better than the chain with the smaller worst error another path must score to be taken instead, dB. */
const JOIN_MARGIN_DB = 0.05;

/**
 * Of a path's two chains, the one with the smaller worst error; where that one jumps, whichever of the two chains or
 * their join moves most smoothly. A chain that loses its optimum jumps to another one, and the chain from the other
 * end usually holds on to that other optimum well past the place, in the other direction: between the two jumps the
 * forward chain is on the first optimum and the backward chain on the second. Joined there (the forward chain up to a
 * sample, the backward chain after it), the path changes optimum once, and blending the two chains' parameters over a
 * window around the join (a smoothstep, in the table's interpolation space) spreads that change over the window
 * instead of one sample. Joins every other sample (every w/4 for a window of w samples a side) with each window of
 * JOIN_WINDOWS are scored by the path's largest step beyond eqmorph's own, plus JOIN_ERROR_WEIGHT for each dB the
 * path's worst error grows, and the best is kept if it beats the chain by JOIN_MARGIN_DB. Over 33 pairs of the shipped model this took the largest 0.01 step beyond
 * eqmorph's own from 0.84 to 0.53 dB on the X32 channel and from 1.48 to 1.16 dB on the generic OSC EQ
 * (docs/profiles.md). Yields after each join scored.
 */
function* smoothestOf(rows: readonly ArrayLike<number>[], specs: readonly BandSpec[], forward: FitResult[], backward: FitResult[]): Generator<void, FitResult[], void> {
  const worstMae = (fits: readonly FitResult[]) => Math.max(...fits.map((f) => f.maeDb));
  const chosen = worstMae(backward) < worstMae(forward) ? backward : forward;
  const n = rows.length;
  const targets = rows.map((row) => responseFromParams(row, FIT_GRID));
  const ownStep = targets.map((t, i) => (i === 0 ? 0 : maxAbsDiffDb(t, targets[i - 1]!)));
  /** Per sample: its step from the one before beyond eqmorph's own (0 for the first), and its error. */
  const profile = (fits: readonly FitResult[]) => {
    const r = fits.map((f) => responseDb(f.bands, FIT_GRID));
    return { r, step: r.map((x, i) => (i === 0 ? 0 : maxAbsDiffDb(x, r[i - 1]!) - ownStep[i]!)), err: r.map((x, i) => maxAbsDiffDb(x, targets[i]!)) };
  };
  const c = profile(chosen);
  if (Math.max(...c.step) <= JUMP_DB) return chosen;
  // The chosen chain is one of the two: its profile is not made again.
  const f = chosen === forward ? c : profile(forward);
  const b = chosen === backward ? c : profile(backward);
  const baseErr = Math.max(...c.err);
  const score = (step: number, err: number) => step + JOIN_ERROR_WEIGHT * Math.max(0, err - baseErr);
  // The forward chain's largest step and error up to each sample; the backward chain's after each (steps) and from it (errors).
  const fStep = runningMax(f.step);
  const fErr = runningMax(f.err);
  const bStep = runningMax(b.step.slice().reverse()).reverse();
  const bErr = runningMax(b.err.slice().reverse()).reverse();
  let best = { score: score(Math.max(...c.step), baseErr) - JOIN_MARGIN_DB, fits: chosen };
  // The other chain whole: the chosen one would score best.score + JOIN_MARGIN_DB, never better.
  const [otherFits, other] = chosen === forward ? [backward, b] : [forward, f];
  const otherScore = score(Math.max(...other.step), Math.max(...other.err));
  if (otherScore < best.score) best = { score: otherScore, fits: otherFits };
  const kinds = paramKinds(specs);
  let join: { score: number; lo: number; w: number } | null = null;
  for (const w of JOIN_WINDOWS) {
    for (let lo = 0; lo + 2 * w < n; lo += Math.max(2, w / 4)) {
      const hi = lo + 2 * w;
      // From the forward chain's sample lo to the backward chain's sample hi through the blended samples between.
      let step = Math.max(fStep[lo]!, hi + 1 < n ? bStep[hi + 1]! : 0);
      let err = Math.max(fErr[lo]!, bErr[hi]!);
      let previous = f.r[lo]!;
      for (let i = lo + 1; i <= hi; i++) {
        const r = i === hi ? b.r[hi]! : responseDb(layoutBands(specs, blendParams(kinds, forward[i]!.params, backward[i]!.params, smoothstep((i - lo) / (hi - lo)))), FIT_GRID);
        step = Math.max(step, maxAbsDiffDb(r, previous) - ownStep[i]!);
        err = Math.max(err, maxAbsDiffDb(r, targets[i]!));
        previous = r;
      }
      const s = score(step, err);
      if (s < best.score && (!join || s < join.score)) join = { score: s, lo, w };
      yield;
    }
  }
  if (!join || join.score >= best.score) return best.fits;
  const { lo, w } = join;
  return rows.map((_, i) => {
    if (i <= lo) return forward[i]!;
    if (i >= lo + 2 * w) return backward[i]!;
    return scoredFit(specs, blendParams(kinds, forward[i]!.params, backward[i]!.params, smoothstep((i - lo) / (2 * w))), targets[i]!);
  });
}

function runningMax(values: readonly number[]): number[] {
  let m = -Infinity;
  return values.map((v) => (m = Math.max(m, v)));
}

function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}

function* chain(rows: readonly ArrayLike<number>[], specs: readonly BandSpec[], peaks: readonly number[]): Generator<void, FitResult[], void> {
  const fits: FitResult[] = [];
  let previous: number[] | undefined;
  for (const row of rows) {
    const fit = previous
      ? fitLayoutSample(row, specs, previous)
      : fitParametric(responseFromParams(row, FIT_GRID), FIT_GRID, { bands: specs, initial: seedFromSource(row, specs, peaks), sort: false });
    previous = fit.params;
    fits.push(fit);
    yield;
  }
  return fits;
}

/** Runs fitAlongPath to the end at once (benchmarks, tests). */
export function fitPath(rows: readonly ArrayLike<number>[], specs: readonly BandSpec[]): FitResult[] {
  return runToEnd(fitAlongPath(rows, specs));
}

/** A fitted path: one row of layout parameters per α sample, gains in dB, frequencies and Qs as log2 (interpolation space). */
export interface LayoutTable {
  readonly specs: readonly BandSpec[];
  readonly steps: number;
  readonly width: number;
  /** 1 where a column is stored as log2 (frequency, Q). */
  readonly logColumn: Uint8Array;
  readonly values: Float64Array;
  /** Response error of each sample's fit, dB (mean absolute, on FIT_GRID). */
  readonly maeDb: Float64Array;
}

export function layoutTable(specs: readonly BandSpec[], fits: readonly Pick<FitResult, 'params' | 'maeDb'>[]): LayoutTable {
  if (fits.length < 2) throw new RangeError('a layout table needs at least two samples');
  const width = paramKinds(specs).length;
  const params = new Float64Array(fits.length * width);
  fits.forEach((fit, i) => params.set(fit.params, i * width));
  return layoutTableOf(specs, params, Float64Array.from(fits, (f) => f.maeDb));
}

/** A table from its fits in one flat array (physical units, one row of the layout's parameters per sample), as a worker returns them. */
export function layoutTableOf(specs: readonly BandSpec[], params: Float64Array, maeDb: Float64Array): LayoutTable {
  const kinds = paramKinds(specs);
  const width = kinds.length;
  const logColumn = Uint8Array.from(kinds, (k) => (k === 'gain' ? 0 : 1));
  const values = params.map((v, i) => (logColumn[i % width] ? Math.log2(v) : v));
  return { specs, steps: maeDb.length, width, logColumn, values, maeDb };
}

/** A table as stored (interpolation space, see LayoutTable) read back for `specs`, or null where its width is another layout's. */
export function storedLayoutTable(specs: readonly BandSpec[], stored: { readonly width: number; readonly values: Float64Array; readonly maeDb: Float64Array }): LayoutTable | null {
  const kinds = paramKinds(specs);
  if (stored.width !== kinds.length || stored.values.length !== stored.width * stored.maeDb.length || stored.maeDb.length < 2) return null;
  return { specs, steps: stored.maeDb.length, width: stored.width, logColumn: Uint8Array.from(kinds, (k) => (k === 'gain' ? 0 : 1)), values: stored.values, maeDb: stored.maeDb };
}

/** Layout parameters (physical units, layout order) to bands. */
export function layoutBands(specs: readonly BandSpec[], params: ArrayLike<number>): Band[] {
  let j = 0;
  return specs.map((spec) => {
    const gain = params[j++]! as Db;
    const freq = params[j++]! as Hz;
    const q = (spec.fixedQ ?? params[j++]!) as Q;
    return { type: spec.type, gain, freq, q };
  });
}

/**
 * The layout's bands at alpha: linear interpolation between the two nearest samples (geometric for frequency and Q),
 * the same rule as the pair table. Every sample is inside the layout's ranges and the ranges are intervals, so every
 * interpolated value is too.
 */
export function readLayoutTable(t: LayoutTable, alpha: number): Band[] {
  const x = (alpha <= 0 ? 0 : alpha >= 1 ? 1 : alpha) * (t.steps - 1);
  const i = Math.min(Math.floor(x), t.steps - 2);
  const f = x - i;
  const a = i * t.width;
  const b = a + t.width;
  const out = new Array<number>(t.width);
  for (let j = 0; j < t.width; j++) {
    const v = t.values[a + j]! + f * (t.values[b + j]! - t.values[a + j]!);
    out[j] = t.logColumn[j] ? 2 ** v : v;
  }
  return layoutBands(t.specs, out);
}
