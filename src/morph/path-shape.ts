// Shapes a pair's decoded path before it becomes a table: each sample moved onto the straight line between the ends' responses, then spread evenly; pure.

import { PARAMS, PARAM_COUNT } from '../eq/bands.js';
import { refineFit } from '../eq/fit.js';
import { logGrid } from '../eq/grid.js';
import { responseFromParams } from '../eq/response.js';
import { MONOTONIC_SLACK_DB, pathMetrics, rmsDistanceDb } from '../model/path-metrics.js';
import { runToEnd } from './build-scheduler.js';

/** Responses are compared on 64 log-spaced points (a tenth of an octave apart), as the layout fitter does. */
const GRID: Float64Array = logGrid(64);
/** Every STRIDE-th sample is fitted; the ones between are interpolated (1/32 of α apart at 129 samples: a few LM steps each). */
export const STRIDE = 4;
/** LM iterations per fitted sample: it starts from its neighbour's fit, already close. */
const ITERATIONS = 6;
/**
 * Pull of each fitted sample toward its starting point (per squared unit: dB, natural log of Hz and Q) against the sum
 * of squared dB errors on 64 points. It keeps bands the response does not need (near 0 dB) from wandering, and it is
 * what carries the chain's settings over to the far end's own (see straightenPath).
 */
const PULL = 2;
/**
 * Fits in the short chain that answers a pair before its table is built (see straightenSample): four, each as cheap as
 * a step of the table's chains, cost about what one fit started from the model's decode did.
 */
const SAMPLE_FITS = 4;
/**
 * The short chain's pull toward each start: looser than the table's (PULL), since its steps are eight times longer and
 * the table's pull held each fit short of the line (warm -> bright's first answer then lay up to 0.26 dB from its
 * table, 0.14 dB with this one).
 */
const SAMPLE_PULL = 0.5;
/**
 * How soon a chain turns from the near end's arrangement of bands to the far end's: its start at distance d (0..1)
 * from the near end is moved d^POWER of the way toward the far end's settings. The first is tried for every pair; the
 * others (sooner, later) only for a pair whose paths so far fall short (see assess).
 */
const POWERS = [3, 1.5, 6] as const;
/** A path scoring this or less (see assess: a monotonic path with no large excursion, this near the straight line, RMS dB) is kept at once. */
const GOOD_ENOUGH = 0.25;
/** A path that leaves the range of both ends' responses by more than this (dB, at any frequency) bumps a band neither asked for. */
const EXCURSION_LIMIT_DB = 1.5;
/**
 * Chains for a pair whose every path above still scores over LOOSE_RETRY: a looser pull and longer fits, from B's end
 * first. Such a pair's ends use two bands with opposite gains that trade jobs between the words, and the default
 * chain's pull holds the bands too near their start to follow the straight line while they trade.
 */
const LOOSE_RETRY = 1;
const LOOSE = { pull: 0.5, iterations: 24, powers: [3, 6] } as const;
/**
 * A path that still breaks a promise after every chain above (falls back toward A beyond the monotonic slack, or leaves
 * both ends' range by more than EXCURSION_LIMIT_DB) is relaxed: each fitted sample in turn is fitted again, started
 * from the mix of its two neighbours and pulled toward it (RELAX.pull), in RELAX.sweeps sweeps that alternate their
 * direction. A chain is greedy: each fit sees only the one before it, so where the bands change jobs the change lands
 * on a few samples; relaxing spreads it over the samples around, which the straight line costs least.
 */
const RELAX = { pull: 8, iterations: 6, sweeps: 6 } as const;
/**
 * A path longer than this many times the straight distance between its ends' responses wanders: between two words that
 * sound nearly alike, a path can keep near the straight line in dB and still go back and forth along it.
 */
const LENGTH_LIMIT = 2;

const LOG = PARAMS.map((p) => p.kind !== 'gain');

/** The straight line between two responses at alpha: what every fitted sample aims for. */
function lineAt(a: Float64Array, b: Float64Array, alpha: number): Float64Array {
  return a.map((v, f) => (1 - alpha) * v + alpha * b[f]!);
}

/** Interpolates two parameter rows the way a pair table does: linearly in gain, geometrically in frequency and Q. */
export function mixRows(a: ArrayLike<number>, b: ArrayLike<number>, t: number): number[] {
  return Array.from({ length: PARAM_COUNT }, (_, j) => (LOG[j] ? a[j]! * (b[j]! / a[j]!) ** t : a[j]! + t * (b[j]! - a[j]!)));
}

/**
 * Fits the straight-line targets at every STRIDE-th sample from `near` to `far`, each started from the previous fit
 * (the first from the near end's row) moved toward the far end's row by (distance from the near end)^power, and pulled
 * toward that start. Early on the chain follows the straight line in the near end's arrangement of bands; toward the
 * far end the pull takes it onto the far end's own settings, which the last fit (started there, on their own response)
 * keeps exactly. Yields after each fit, so a background build can spread a chain over several slices of work.
 */
function* chain(
  a: Float64Array,
  b: Float64Array,
  rows: readonly (readonly number[])[],
  near: number,
  far: number,
  power: number,
  { pull, iterations }: { pull: number; iterations: number } = { pull: PULL, iterations: ITERATIONS },
): Generator<void, Map<number, number[]>, void> {
  const n = rows.length;
  const indices: number[] = [];
  const direction = far > near ? 1 : -1;
  for (let i = near + direction * STRIDE; direction * (far - i) > 0; i += direction * STRIDE) indices.push(i);
  const fits = new Map<number, number[]>([[near, Array.from(rows[near]!)]]);
  let previous = Array.from(rows[near]!);
  for (const i of indices) {
    const initial = mixRows(previous, rows[far]!, (Math.abs(i - near) / (n - 1)) ** power);
    previous = refineFit(lineAt(a, b, i / (n - 1)), GRID, initial, iterations, pull).params;
    fits.set(i, previous);
    yield;
  }
  fits.set(far, Array.from(rows[far]!));
  return fits;
}

/**
 * Relaxes a path given by its rows at some indices (both ends among them, kept): see RELAX. Yields after each fit.
 */
function* relax(a: Float64Array, b: Float64Array, anchors: ReadonlyMap<number, readonly number[]>, n: number): Generator<void, Map<number, number[]>, void> {
  const keys = [...anchors.keys()].sort((x, y) => x - y);
  const fits = new Map([...anchors].map(([i, r]) => [i, Array.from(r)]));
  const inner = keys.slice(1, -1).map((i, k) => ({ i, before: keys[k]!, after: keys[k + 2]! }));
  for (let sweep = 0; sweep < RELAX.sweeps; sweep++) {
    for (const { i, before, after } of sweep % 2 === 0 ? inner : inner.slice().reverse()) {
      const initial = mixRows(fits.get(before)!, fits.get(after)!, (i - before) / (after - before));
      fits.set(i, refineFit(lineAt(a, b, i / (n - 1)), GRID, initial, RELAX.iterations, RELAX.pull).params);
      yield;
    }
  }
  return fits;
}

/** A path's rows at every STRIDE-th index and both ends: what relax moves. */
function strideAnchors(rows: readonly (readonly number[])[]): Map<number, number[]> {
  const n = rows.length;
  const anchors = new Map<number, number[]>();
  for (let i = 0; i < n - 1; i += STRIDE) anchors.set(i, Array.from(rows[i]!));
  anchors.set(n - 1, Array.from(rows[n - 1]!));
  return anchors;
}

/** Rows at every index of a path from rows at some of its indices (both ends among them), interpolated as a pair table is. */
function fillRows(anchors: ReadonlyMap<number, readonly number[]>, n: number): number[][] {
  const keys = [...anchors.keys()].sort((x, y) => x - y);
  let k = 0;
  return Array.from({ length: n }, (_, i) => {
    while (keys[k + 1]! <= i && k + 1 < keys.length - 1) k++;
    const lo = keys[k]!;
    if (lo === i) return Array.from(anchors.get(i)!);
    const hi = keys[k + 1]!;
    return hi === i ? Array.from(anchors.get(i)!) : mixRows(anchors.get(lo)!, anchors.get(hi)!, (i - lo) / (hi - lo));
  });
}

/** How far a path strays from the straight line between its ends' responses (a, b): RMS dB at its worst row. */
function worstStrayDb(responses: readonly Float64Array[], a: Float64Array, b: Float64Array): number {
  const n = responses.length;
  let worst = 0;
  responses.forEach((r, i) => {
    const alpha = i / (n - 1);
    let s = 0;
    for (let f = 0; f < r.length; f++) s += (r[f]! - ((1 - alpha) * a[f]! + alpha * b[f]!)) ** 2;
    worst = Math.max(worst, Math.sqrt(s / r.length));
  });
  return worst;
}

/**
 * The straightened path: the 5-band settings whose response is closest to (1 - α) A + α B, the straight line between
 * the ends' responses, at every STRIDE-th sample; the rows between are interpolated. This is what a listener expects
 * of a blend (halfway sounds halfway, no band neither end asked for), which the decoder's interpolated latent point
 * only approximates. Both ends are the model's own settings, exactly, so every pair table that shares a word agrees on
 * it (an XY pad's corners; a switch to another pair at the shared end does not move a band). The samples are fitted
 * as a chain from A (see chain): a fit of B's sound started from A's arrangement of bands would often use its bands
 * otherwise than the model does for B (two peaking bands trading jobs), and B's own settings could then only be
 * reached by a jump; the chain's growing pull toward B's settings makes that change gradually, where it costs the
 * least departure from the straight line. Where that path falls short (its score over GOOD_ENOUGH, see assess), other paths are
 * tried in turn (see straightenSteps) and the best kept. `worstStrayDb` is the kept path's largest distance from the
 * straight line (RMS dB).
 */
export function straightenPath(rows: readonly (readonly number[])[]): { rows: number[][]; worstStrayDb: number } {
  return runToEnd(straightenSteps(rows));
}

/**
 * How much a candidate path falls short, from its responses on the 64-point grid: a fall back toward A beyond the
 * monotonic slack weighs ten times, an excursion beyond 1 dB past both ends once and beyond EXCURSION_LIMIT_DB ten
 * times more, the length beyond LENGTH_LIMIT times the straight distance once (dB), plus its largest distance from the
 * straight line (RMS dB), which decides between paths that are both fine.
 */
function assess(rows: number[][], a: Float64Array, b: Float64Array): Assessed {
  const responses = rows.map((r) => responseFromParams(r, GRID));
  const m = pathMetrics(responses);
  const stray = worstStrayDb(responses, a, b);
  const excursion = Math.max(0, m.excursionDb - 1) + 10 * Math.max(0, m.excursionDb - EXCURSION_LIMIT_DB);
  const wander = Math.max(0, (m.lengthRatio - LENGTH_LIMIT) * m.straightDb);
  const broken = m.worstBacktrackDb > MONOTONIC_SLACK_DB || m.excursionDb > EXCURSION_LIMIT_DB;
  return { rows, stray, broken, score: 10 * Math.max(0, m.worstBacktrackDb - MONOTONIC_SLACK_DB) + excursion + wander + stray };
}

interface Assessed {
  readonly rows: number[][];
  readonly score: number;
  readonly stray: number;
  /** Falls back toward A beyond the monotonic slack, or leaves both ends' range by more than EXCURSION_LIMIT_DB. */
  readonly broken: boolean;
}

/** straightenPath, yielding after each fit (see chain) and each candidate's score. */
function* straightenSteps(rows: readonly (readonly number[])[]): Generator<void, { rows: number[][]; worstStrayDb: number }, void> {
  const n = rows.length;
  const a = responseFromParams(rows[0]!, GRID);
  const b = responseFromParams(rows[n - 1]!, GRID);
  let best = assess(fillRows(yield* chain(a, b, rows, 0, n - 1, POWERS[0]), n), a, b);
  // Then, while the best so far falls short: the chain from B (which alone mends most of them), sooner and later turns,
  // the model's own path and the straight line between the ends' settings (these two cost no fit).
  const others: (() => Generator<void, number[][], void>)[] = [
    function* () { return fillRows(yield* chain(a, b, rows, n - 1, 0, POWERS[0]), n); },
    ...POWERS.slice(1).map((power) => function* () { return fillRows(yield* chain(a, b, rows, 0, n - 1, power), n); }),
    function* () { return fillRows(yield* chain(a, b, rows, n - 1, 0, POWERS[2]), n); },
    function* () { return rows.map((r) => Array.from(r)); },
    function* () { return rows.map((_, i) => mixRows(rows[0]!, rows[n - 1]!, i / (n - 1))); },
  ];
  const loose = LOOSE.powers.flatMap((power) => [
    function* () { return fillRows(yield* chain(a, b, rows, n - 1, 0, power, LOOSE), n); },
    function* () { return fillRows(yield* chain(a, b, rows, 0, n - 1, power, LOOSE), n); },
  ]);
  const relaxed = function* () { return fillRows(yield* relax(a, b, strideAnchors(best.rows), n), n); };
  const steps = [
    ...others.map((m) => [m, (p: Assessed) => p.score <= GOOD_ENOUGH] as const),
    ...loose.map((m) => [m, (p: Assessed) => p.score <= LOOSE_RETRY] as const),
    [relaxed, (p: Assessed) => !p.broken] as const,
  ];
  for (const [make, enough] of steps) {
    if (enough(best)) continue;
    const path = yield* make();
    yield;
    const candidate = assess(path, a, b);
    if (candidate.score < best.score) best = candidate;
  }
  return { rows: best.rows, worstStrayDb: best.stray };
}

/**
 * One straightened sample alone, for the first answer of a pair whose table is not built yet: a short chain of
 * SAMPLE_FITS fits to the straight line between the ends' responses, from the nearer end to α, each started from the one
 * before moved toward the far end's settings as the table's chains are (by the distance from the near end, cubed). It
 * keeps the near end's arrangement of bands as the table does, so an XY pad blending a first answer with built edges
 * moves little when the tables arrive (a fit started from the model's decode at α used the bands otherwise often
 * enough to move the pad by up to 2.3–2.6 dB over 41 corner sets; 1.8–2.0 dB now).
 */
export function straightenSample(rowA: ArrayLike<number>, rowB: ArrayLike<number>, alpha: number): number[] {
  if (alpha <= 0) return Array.from(rowA);
  if (alpha >= 1) return Array.from(rowB);
  const a = responseFromParams(rowA, GRID);
  const b = responseFromParams(rowB, GRID);
  const fromA = alpha <= 0.5;
  const [far, span] = fromA ? [rowB, alpha] : [rowA, 1 - alpha];
  let previous = Array.from(fromA ? rowA : rowB);
  for (let k = 1; k <= SAMPLE_FITS; k++) {
    const d = (span * k) / SAMPLE_FITS;
    const initial = mixRows(previous, far, d ** POWERS[0]);
    previous = refineFit(lineAt(a, b, fromA ? d : 1 - d), GRID, initial, ITERATIONS, SAMPLE_PULL).params;
  }
  return previous;
}

/**
 * A pair's answer before its table is built, at `alpha` on the latent line za..zb: the decodes of both ends,
 * straightened (straightenSample); at an end, that end's own decode alone. `decode` decodes several latent points at
 * once (the model's batch, or a plain-JavaScript decoder one by one).
 */
export function straightenedPoint(
  decode: (zs: readonly (readonly number[])[]) => readonly ArrayLike<number>[],
  za: ArrayLike<number>,
  zb: ArrayLike<number>,
  alpha: number,
): number[] {
  if (alpha <= 0 || alpha >= 1) return Array.from(decode([Array.from(alpha <= 0 ? za : zb)])[0]!);
  const [rowA, rowB] = decode([Array.from(za), Array.from(zb)]);
  return straightenSample(rowA!, rowB!, alpha);
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
