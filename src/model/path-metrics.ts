// How a morph path sounds, from its sampled magnitude responses: steadiness, straightness, evenness, midpoint and excursion; pure.

/**
 * The distance between two responses: the root-mean-square difference in dB over the points of a log-spaced grid
 * (eqmorph's 200 points, 20 Hz..20 kHz, so every octave weighs the same). RMS rather than mean absolute difference,
 * so a narrow bump counts for more than the same area spread thinly.
 */
export function rmsDistanceDb(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`responses differ in length: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return a.length === 0 ? 0 : Math.sqrt(s / a.length);
}

/** How far a path may fall back toward A (or away from B) before it counts as not monotonic, dB. */
export const MONOTONIC_SLACK_DB = 0.1;

export interface PathMetrics {
  /** Distance from A never falls more than the slack below its running maximum, distance to B never rises more than the slack above its running minimum. */
  readonly monotonic: boolean;
  /** The largest such fall back (toward A or away from B), dB; 0 for a path that only moves on. */
  readonly worstBacktrackDb: number;
  /** Sum of the steps' distances over the distance between the ends (1 for a straight path; 1 where the ends coincide). */
  readonly lengthRatio: number;
  /** Largest step over the mean step (1 for a path that spreads its change evenly). */
  readonly stepRatio: number;
  /** Distance of the middle sample from the average of the two ends' responses, dB (needs an odd sample count to be exact). */
  readonly midpointDb: number;
  /** Largest amount, at any sample and frequency, by which the path leaves the range spanned by the two ends, dB. */
  readonly excursionDb: number;
  /** Distance between the ends, dB. */
  readonly straightDb: number;
}

/**
 * Measures a path given as responses (dB on one grid) at evenly spaced α from A (first) to B (last). Pure: the caller
 * decides how the responses were made, so the same function measures the bridge's pair tables and anything else.
 */
export function pathMetrics(responses: readonly ArrayLike<number>[]): PathMetrics {
  const n = responses.length;
  if (n < 2) throw new RangeError('a path needs at least two samples');
  const first = responses[0]!;
  const last = responses[n - 1]!;
  let backtrack = 0;
  let maxFromA = 0;
  let minToB = Infinity;
  let length = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const r = responses[i]!;
    const fromA = rmsDistanceDb(r, first);
    const toB = rmsDistanceDb(r, last);
    maxFromA = Math.max(maxFromA, fromA);
    minToB = Math.min(minToB, toB);
    backtrack = Math.max(backtrack, maxFromA - fromA, toB - minToB);
    if (i > 0) {
      const step = rmsDistanceDb(r, responses[i - 1]!);
      length += step;
      largest = Math.max(largest, step);
    }
  }
  const straight = rmsDistanceDb(first, last);
  const meanStep = length / (n - 1);
  const mid = responses[Math.floor((n - 1) / 2)]!;
  let midSq = 0;
  let excursion = 0;
  for (let f = 0; f < first.length; f++) {
    midSq += (mid[f]! - (first[f]! + last[f]!) / 2) ** 2;
    const hi = Math.max(first[f]!, last[f]!);
    const lo = Math.min(first[f]!, last[f]!);
    for (const r of responses) excursion = Math.max(excursion, r[f]! - hi, lo - r[f]!);
  }
  return {
    monotonic: backtrack <= MONOTONIC_SLACK_DB,
    worstBacktrackDb: backtrack,
    lengthRatio: straight > 1e-9 ? length / straight : 1,
    stepRatio: meanStep > 1e-12 ? largest / meanStep : 1,
    midpointDb: first.length === 0 ? 0 : Math.sqrt(midSq / first.length),
    excursionDb: excursion,
    straightDb: straight,
  };
}

/** The q-quantile (0..1) of a sample by linear interpolation between order statistics; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = values.slice().sort((a, b) => a - b);
  const x = Math.min(Math.max(q, 0), 1) * (s.length - 1);
  const i = Math.floor(x);
  return i + 1 < s.length ? s[i]! + (x - i) * (s[i + 1]! - s[i]!) : s[i]!;
}

export interface PathSummary {
  readonly pairs: number;
  readonly monotonicShare: number;
  readonly worstBacktrackDb: { readonly median: number; readonly max: number };
  readonly lengthRatio: { readonly median: number; readonly p95: number; readonly max: number };
  readonly stepRatio: { readonly median: number; readonly p95: number; readonly max: number };
  readonly midpointDb: { readonly median: number; readonly p90: number; readonly max: number };
  readonly excursionDb: { readonly median: number; readonly max: number; readonly over1p5: number };
}

/** The figures a set of paths is judged by (targets: monotonic share, length and step ratios, midpoint, excursion). */
export function summarisePaths(paths: readonly PathMetrics[]): PathSummary {
  const col = (k: keyof Omit<PathMetrics, 'monotonic'>) => paths.map((p) => p[k]);
  const max = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);
  const back = col('worstBacktrackDb');
  const len = col('lengthRatio');
  const step = col('stepRatio');
  const mid = col('midpointDb');
  const exc = col('excursionDb');
  return {
    pairs: paths.length,
    monotonicShare: paths.length ? paths.filter((p) => p.monotonic).length / paths.length : NaN,
    worstBacktrackDb: { median: quantile(back, 0.5), max: max(back) },
    lengthRatio: { median: quantile(len, 0.5), p95: quantile(len, 0.95), max: max(len) },
    stepRatio: { median: quantile(step, 0.5), p95: quantile(step, 0.95), max: max(step) },
    midpointDb: { median: quantile(mid, 0.5), p90: quantile(mid, 0.9), max: max(mid) },
    excursionDb: { median: quantile(exc, 0.5), max: max(exc), over1p5: exc.filter((e) => e > 1.5).length },
  };
}
