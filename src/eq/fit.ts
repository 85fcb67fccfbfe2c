// Fits a parametric EQ layout to a target dB curve: bounded Levenberg–Marquardt from several deterministic starts.

import { BAND_SPECS, GAIN_RANGE, Q_RANGE, type Band, type BandSpec, type EqSettings, type ParamKind, type Range } from './bands.js';
import { SAMPLE_RATE } from './grid.js';
import { bandDbDerivatives, multiplyBandPower, warpGrid } from './response.js';
import { clamp, type Db, type Hz, type Q } from './units.js';

export interface FitOptions {
  /** Deterministic starting points (band frequencies spread across their ranges); the best fit wins. */
  readonly starts?: number;
  /** Levenberg–Marquardt iterations per start at most. */
  readonly iterations?: number;
  /** Non-negative weight per target point (default all 1). */
  readonly weights?: ArrayLike<number>;
  readonly fs?: number;
  /** Band layout to fit; defaults to the 5-band SAFE layout. */
  readonly bands?: readonly BandSpec[];
  /** An extra first start in physical units and the layout's parameter order, e.g. a term's mean settings. */
  readonly initial?: ArrayLike<number>;
  /** Tighter per-parameter bounds (physical units, the layout's order), intersected with the layout's own ranges. */
  readonly bounds?: { readonly min: ArrayLike<number>; readonly max: ArrayLike<number> };
  /**
   * Sort interchangeable peaking bands by frequency (default true). A chain of warm-started fits along a path turns it
   * off: sorting would swap two bands' whole settings where their frequencies cross, a jump on the wire.
   */
  readonly sort?: boolean;
  /**
   * Restart from moves of the best fit while it still misses the target (default true). A warm-started fit that must
   * stay near its start (a path's next sample) turns it off, since a reseed can land in another local optimum.
   */
  readonly reseed?: boolean;
  /**
   * Pull every parameter toward `initial` with this weight per squared unit of search space (dB; natural log of Hz
   * and Q), against the sum of squared dB errors. A band near 0 dB has no say in the response, so without a pull its
   * frequency and Q wander freely from one fit to the next; a small pull keeps them where they were at almost no cost
   * in error. Needs `initial`.
   */
  readonly stayNear?: number;
}

export interface FitResult<B extends readonly Band[] = readonly Band[]> {
  /** Fitted parameters in physical units (dB, Hz, Q), in the layout's order: gain, freq[, Q] per band. */
  readonly params: number[];
  readonly bands: B;
  /** Root-mean-square and mean absolute error of the fitted response against the target (weighted means), in dB. */
  readonly rmsDb: number;
  readonly maeDb: number;
}

const DEFAULT_STARTS = 8;
const DEFAULT_ITERATIONS = 100;
/** Rounds of restarting from moves of the best fit so far (see reseeds) while they keep improving it. */
const RESEED_ROUNDS = 3;
/** Q of a band moved onto the worst-fitted point: narrow, because broad misses are what the spread starts find. */
const RESEED_Q = 5;
/** Iterations every start gets before only the best POLISHED of them get the rest of the budget. */
const SCOUT_ITERATIONS = 20;
const POLISHED = 2;
/** A start that reaches this RMS error (dB) reproduces the target; further starts cannot improve it audibly. */
const GOOD_ENOUGH_RMS_DB = 1e-3;

/** One free parameter in the optimiser's space: gain in dB, frequency and Q as natural logs, with box bounds there. */
interface Slot {
  readonly band: number;
  readonly kind: ParamKind;
  readonly lo: number;
  readonly hi: number;
}

interface Problem {
  readonly specs: readonly BandSpec[];
  readonly slots: readonly Slot[];
  /** Slot index of each band's gain, frequency and Q (-1 where the layout fixes Q). */
  readonly gainAt: readonly number[];
  readonly freqAt: readonly number[];
  readonly qAt: readonly number[];
  readonly warped: Float64Array;
  readonly fs: number;
  readonly target: ArrayLike<number>;
  /** sqrt(weight) per point: residuals are scaled by it so least squares minimises the weighted sum. */
  readonly sw: Float64Array;
  /** Every weight 1 (no weights given): the Jacobian needs no scaling. */
  readonly unitWeights: boolean;
  /** A pull toward a point in search space (see FitOptions.stayNear), or null. */
  readonly prior: { readonly u: Float64Array; readonly weight: number } | null;
}

/** A band's gain and Q ranges: its own where the layout gives them, else eqmorph's. */
export function gainRangeOf(spec: BandSpec): Range {
  return spec.gain ?? GAIN_RANGE;
}
export function qRangeOf(spec: BandSpec): Range {
  return spec.q ?? Q_RANGE;
}

function slotsOf(specs: readonly BandSpec[]): Slot[] {
  return specs.flatMap((spec, band) => {
    const g = gainRangeOf(spec);
    const slots: Slot[] = [
      { band, kind: 'gain', lo: g.min, hi: g.max },
      { band, kind: 'freq', lo: Math.log(spec.freq.min), hi: Math.log(spec.freq.max) },
    ];
    const q = qRangeOf(spec);
    if (spec.fixedQ === null) slots.push({ band, kind: 'q', lo: Math.log(q.min), hi: Math.log(q.max) });
    return slots;
  });
}

function tightened(slots: readonly Slot[], bounds: NonNullable<FitOptions['bounds']>): Slot[] {
  if (bounds.min.length !== slots.length || bounds.max.length !== slots.length) {
    throw new RangeError(`bounds need ${slots.length} values each, got ${bounds.min.length} and ${bounds.max.length}`);
  }
  return slots.map((s, j) => {
    const [lo, hi] = [bounds.min[j]!, bounds.max[j]!].map((v) => (s.kind === 'gain' ? v : Math.log(v))) as [number, number];
    const l = Math.max(s.lo, lo);
    const h = Math.min(s.hi, hi);
    if (!(l <= h)) throw new RangeError(`bounds for parameter ${j} (${s.kind}) leave no room inside the band's range`);
    return { ...s, lo: l, hi: h };
  });
}

function toPhysical(u: ArrayLike<number>, slots: readonly Slot[]): number[] {
  return slots.map((s, j) => (s.kind === 'gain' ? u[j]! : Math.exp(u[j]!)));
}

function toSearch(params: ArrayLike<number>, slots: readonly Slot[]): Float64Array {
  return Float64Array.from(slots, (s, j) => {
    const v = params[j]!;
    const t = s.kind === 'gain' ? v : Math.log(Math.max(v, Number.MIN_VALUE));
    return clamp(Number.isFinite(t) ? t : (s.lo + s.hi) / 2, s.lo, s.hi);
  });
}

/** Multiplies acc by band b's power ratio at each grid point, its gain, frequency and Q read from search point u. */
function multiplyBandAt(acc: Float64Array, p: Problem, b: number, u: ArrayLike<number>): void {
  const spec = p.specs[b]!;
  const q = spec.fixedQ === null ? Math.exp(u[p.qAt[b]!]!) : spec.fixedQ;
  multiplyBandPower(acc, spec.type, u[p.gainAt[b]!]!, Math.exp(u[p.freqAt[b]!]!), q, p.warped, p.fs);
}

/** dB response of band b alone at search point u, written into out. */
function bandDbAt(out: Float64Array, p: Problem, b: number, u: ArrayLike<number>): void {
  out.fill(1);
  multiplyBandAt(out, p, b, u);
  for (let i = 0; i < out.length; i++) out[i] = 10 * Math.log10(out[i]!);
}

/** The layout's power ratio at each grid point for search point u (the bands' ratios multiplied), written into power. */
function powerAt(power: Float64Array, p: Problem, u: ArrayLike<number>): void {
  power.fill(1);
  for (let b = 0; b < p.specs.length; b++) multiplyBandAt(power, p, b, u);
}

/**
 * Weighted residuals (model - target) * sqrt(w) for search point u; returns their sum of squares. The model's dB is one
 * logarithm of the multiplied power ratios per point, not a sum of one per band (those logarithms were about a quarter
 * of a fit's time).
 */
function residuals(p: Problem, u: ArrayLike<number>, power: Float64Array, r: Float64Array): number {
  powerAt(power, p, u);
  let cost = 0;
  for (let i = 0; i < r.length; i++) {
    r[i] = (10 * Math.log10(power[i]!) - p.target[i]!) * p.sw[i]!;
    cost += r[i]! * r[i]!;
  }
  if (p.prior) for (let j = 0; j < u.length; j++) cost += p.prior.weight * (u[j]! - p.prior.u[j]!) ** 2;
  return cost;
}

/** Solves the symmetric positive definite system A x = y in place by Cholesky; false if A is not positive definite. */
function choleskySolve(a: Float64Array, y: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (!(d > 0)) return false;
    d = Math.sqrt(d);
    a[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / d;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = y[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * y[k]!;
    y[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * y[k]!;
    y[i] = s / a[i * n + i]!;
  }
  return true;
}

/**
 * H = JᵀJ and g = Jᵀr for a column-major J (m rows, n columns): the products that are most of an iteration's time.
 * Two columns of H are summed in one pass over the rows (each sum in the same order as alone, so the same bits),
 * which reads column a once for both.
 */
function normalEquations(J: Float64Array, r: Float64Array, n: number, m: number, H: Float64Array, g: Float64Array): void {
  for (let a = 0; a < n; a++) {
    const ja = a * m;
    let s = 0;
    for (let i = 0; i < m; i++) s += J[ja + i]! * r[i]!;
    g[a] = s;
    let b = 0;
    for (; b + 1 <= a; b += 2) {
      const jb = b * m;
      const jc = jb + m;
      let t = 0;
      let v = 0;
      for (let i = 0; i < m; i++) {
        const x = J[ja + i]!;
        t += x * J[jb + i]!;
        v += x * J[jc + i]!;
      }
      H[a * n + b] = t;
      H[b * n + a] = t;
      H[a * n + b + 1] = v;
      H[(b + 1) * n + a] = v;
    }
    if (b === a) {
      let t = 0;
      for (let i = 0; i < m; i++) t += J[ja + i]! * J[ja + i]!;
      H[a * n + a] = t;
    }
  }
}

/**
 * Levenberg–Marquardt from u0 with projection onto the box. Parameters sitting on a bound whose gradient pushes
 * outward are frozen for the step (a projected-Newton active set): without that, the projected step of the others is
 * computed as if the frozen one moved, and the damping has to grow until the method crawls.
 */
function levenbergMarquardt(p: Problem, u0: Float64Array, iterations: number): { u: Float64Array; cost: number } {
  const n = p.slots.length;
  const m = p.target.length;
  const power = new Float64Array(m);
  const r = new Float64Array(m);
  const J = new Float64Array(m * n); // column-major: J[j * m + i]
  const column = (j: number) => J.subarray(j * m, (j + 1) * m);
  const columns = p.specs.map((_, b) => ({ gain: column(p.gainAt[b]!), freq: column(p.freqAt[b]!), q: p.qAt[b]! < 0 ? null : column(p.qAt[b]!) }));
  const H = new Float64Array(n * n);
  const g = new Float64Array(n);
  const A = new Float64Array(n * n);
  const step = new Float64Array(n);
  const trial = new Float64Array(n);
  const active = new Uint8Array(n);
  const u = Float64Array.from(u0);
  let cost = residuals(p, u, power, r);
  let lambda = 1e-3;

  for (let it = 0; it < iterations && cost > 0; it++) {
    // Jacobian: a parameter moves only its own band; each band's columns come from one exact pass over the grid.
    p.specs.forEach((spec, b) => {
      const c = columns[b]!;
      const qi = p.qAt[b]!;
      bandDbDerivatives(c.gain, c.freq, c.q, spec.type, u[p.gainAt[b]!]!, Math.exp(u[p.freqAt[b]!]!), spec.fixedQ ?? Math.exp(u[qi]!), p.warped, p.fs);
    });
    if (!p.unitWeights) for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) J[j * m + i]! *= p.sw[i]!;
    normalEquations(J, r, n, m, H, g);
    let maxDiag = 0;
    for (let a = 0; a < n; a++) {
      if (p.prior) {
        // The pull's own residuals sqrt(w) (u - u0) have the identity (times sqrt(w)) as their Jacobian.
        g[a]! += p.prior.weight * (u[a]! - p.prior.u[a]!);
        H[a * n + a]! += p.prior.weight;
      }
      maxDiag = Math.max(maxDiag, H[a * n + a]!);
    }
    for (let j = 0; j < n; j++) {
      const s = p.slots[j]!;
      active[j] = (u[j]! <= s.lo && g[j]! > 0) || (u[j]! >= s.hi && g[j]! < 0) ? 1 : 0;
    }
    // Marquardt's diagonal scaling, floored: a band at 0 dB has no frequency or Q sensitivity at all.
    const floor = 1e-9 * maxDiag + 1e-12;

    let accepted = false;
    for (let attempt = 0; attempt < 12 && !accepted; attempt++) {
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) A[a * n + b] = active[a] || active[b] ? (a === b ? 1 : 0) : H[a * n + b]!;
        if (!active[a]) A[a * n + a]! += lambda * (H[a * n + a]! + floor);
        step[a] = active[a] ? 0 : -g[a]!;
      }
      if (!choleskySolve(A, step, n)) {
        lambda *= 10;
        continue;
      }
      let moved = false;
      for (let j = 0; j < n; j++) {
        const s = p.slots[j]!;
        trial[j] = clamp(u[j]! + step[j]!, s.lo, s.hi);
        if (trial[j] !== u[j]) moved = true;
      }
      if (!moved) break;
      const trialCost = residuals(p, trial, power, r);
      if (trialCost < cost) {
        const gain = cost - trialCost;
        u.set(trial);
        cost = trialCost;
        lambda = Math.max(lambda / 3, 1e-12);
        accepted = true;
        if (gain <= 1e-12 * cost) it = iterations; // stalled: further iterations would only polish noise
      } else {
        lambda *= 5;
      }
    }
    // The last residuals computed were the accepted trial's, which is u now: r describes u for the next Jacobian.
    if (!accepted) break;
  }
  return { u, cost };
}

/**
 * Runs LM from every seed for a short scouting budget, then spends the rest of the budget only on the most promising
 * few: most starts either converge within the scouting budget or are visibly stuck by then, and full runs from every
 * start would dominate the fit's time.
 */
function bestOf(p: Problem, seeds: readonly Float64Array[], iterations: number, good: (cost: number) => boolean): { u: Float64Array; cost: number } {
  const scout = Math.min(iterations, SCOUT_ITERATIONS);
  const runs: { u: Float64Array; cost: number }[] = [];
  for (const u0 of seeds) {
    const run = levenbergMarquardt(p, u0, scout);
    if (good(run.cost)) return run;
    runs.push(run);
  }
  runs.sort((a, b) => a.cost - b.cost);
  let best = runs[0] ?? { u: seeds[0]!, cost: Infinity };
  if (iterations <= scout) return best;
  for (const run of runs.slice(0, POLISHED)) {
    const polished = levenbergMarquardt(p, run.u, iterations - scout);
    if (polished.cost < best.cost) best = polished;
    if (good(best.cost)) break;
  }
  return best;
}

/** The generalised golden ratio for d dimensions: the root of x^(d+1) = x + 1, which drives Roberts' R_d sequence. */
function generalisedGolden(d: number): number {
  let x = 2;
  for (let i = 0; i < 50; i++) x = (1 + x) ** (1 / (d + 1));
  return x;
}

/**
 * Deterministic, well-spread starting points. Start 0 puts every band at the log-middle of its range with Q 1; later
 * starts follow Roberts' R_d low-discrepancy sequence over (band frequencies, Qs), so across starts every band visits
 * low, middle and high parts of its range in different combinations. Frequencies span each band's whole range and Qs
 * stay within 0.5..2 (a moderate Q can sharpen or widen quickly; an extreme one starts on a flat gradient). Gains
 * start at 0 dB: the first step solves them almost linearly.
 */
function startPoints(slots: readonly Slot[], count: number): Float64Array[] {
  const dims = slots.filter((s) => s.kind !== 'gain');
  const phi = generalisedGolden(dims.length);
  const alpha = dims.map((_, d) => 1 / phi ** (d + 1));
  return Array.from({ length: count }, (_, k) => {
    let d = 0;
    return Float64Array.from(slots, (s) => {
      if (s.kind === 'gain') return 0;
      const f = (0.5 + k * alpha[d++]!) % 1;
      return s.kind === 'freq' ? s.lo + f * (s.hi - s.lo) : clamp(Math.log(2) * (2 * f - 1), s.lo, s.hi);
    });
  });
}

/**
 * Starts derived from a converged fit that still misses part of the target. Two misses are typical. A narrow peak or
 * notch between grid points has almost no gradient from anywhere else, so no spread start finds it: a band is moved
 * onto the point of largest error with the missing gain and a high Q. And a band stuck in the wrong role (a shelf
 * pinned at the end of its range, propped up by a peaking band) needs freeing: it is reset to 0 dB mid-range. Both
 * moves are tried for every band, and together for every ordered pair of bands (one moved, one reset), since a band
 * can often only take over a new job once another gives up its old one. The untouched bands keep their values and
 * re-adapt when LM runs from there.
 */
function reseeds(p: Problem, u: Float64Array): Float64Array[] {
  const m = p.target.length;
  const r = new Float64Array(m);
  residuals(p, u, new Float64Array(m), r);
  const bandDb = p.specs.map((_, b) => {
    const db = new Float64Array(m);
    bandDbAt(db, p, b, u);
    return db;
  });
  let worst = 0;
  for (let i = 1; i < m; i++) if (Math.abs(r[i]! / (p.sw[i]! || 1)) > Math.abs(r[worst]! / (p.sw[worst]! || 1))) worst = i;
  const logF = Math.log(freqOfWarped(p.warped[worst]!, p.fs));
  const missing = p.sw[worst]! > 0 ? -r[worst]! / p.sw[worst]! : 0;

  const setBand = (seed: Float64Array, b: number, gain: number, logFreq: number, logQ: number) => {
    const fSlot = p.slots[p.freqAt[b]!]!;
    const gSlot = p.slots[p.gainAt[b]!]!;
    seed[p.gainAt[b]!] = clamp(gain, gSlot.lo, gSlot.hi);
    seed[p.freqAt[b]!] = clamp(logFreq, fSlot.lo, fSlot.hi);
    const qi = p.qAt[b]!;
    if (qi >= 0) seed[qi] = clamp(logQ, p.slots[qi]!.lo, p.slots[qi]!.hi);
  };
  const moveToWorst = (seed: Float64Array, b: number) => setBand(seed, b, missing + bandDb[b]![worst]!, logF, Math.log(RESEED_Q));
  const reset = (seed: Float64Array, b: number) => {
    const fSlot = p.slots[p.freqAt[b]!]!;
    setBand(seed, b, 0, (fSlot.lo + fSlot.hi) / 2, 0);
  };

  const out: Float64Array[] = [];
  p.specs.forEach((_, b) => {
    const moved = Float64Array.from(u);
    moveToWorst(moved, b);
    const cleared = Float64Array.from(u);
    reset(cleared, b);
    out.push(moved, cleared);
  });
  p.specs.forEach((_, b) =>
    p.specs.forEach((_, c) => {
      if (b === c) return;
      const both = Float64Array.from(u);
      moveToWorst(both, b);
      reset(both, c);
      out.push(both);
    }),
  );
  return out;
}

/** Inverse of warpGrid's tan^2(pi f / fs), so reseeds can name the frequency of a grid point. */
function freqOfWarped(w: number, fs: number): number {
  return (Math.atan(Math.sqrt(w)) * fs) / Math.PI;
}

function validate(targetDb: ArrayLike<number>, freqs: ArrayLike<number>, weights: ArrayLike<number> | undefined): void {
  if (targetDb.length !== freqs.length) throw new RangeError(`target has ${targetDb.length} points but ${freqs.length} frequencies`);
  if (targetDb.length === 0) throw new RangeError('cannot fit an empty target');
  for (let i = 0; i < targetDb.length; i++) {
    if (!Number.isFinite(targetDb[i]) || !(freqs[i]! > 0)) throw new RangeError(`bad target point ${i}: ${freqs[i]} Hz, ${targetDb[i]} dB`);
  }
  if (weights === undefined) return;
  if (weights.length !== targetDb.length) throw new RangeError(`${weights.length} weights for ${targetDb.length} points`);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i]! >= 0) || !Number.isFinite(weights[i])) throw new RangeError(`weight ${i} is ${weights[i]}`);
    total += weights[i]!;
  }
  if (total === 0) throw new RangeError('all weights are zero');
}

/**
 * Peaking bands with the same Q rule are interchangeable in the sum, so they are sorted by frequency (whole
 * gain/freq/Q triples move). The layout's ranges overlap and ascend at both ends, so a sorted assignment always fits
 * the ranges if the unsorted one did; the clamp is a guard for layouts where that does not hold.
 */
function sortPeaking(params: number[], p: Problem): number[] {
  const out = params.slice();
  const groups = new Map<number | null, number[]>();
  p.specs.forEach((spec, b) => {
    if (spec.type !== 'peaking') return;
    const group = groups.get(spec.fixedQ) ?? [];
    group.push(b);
    groups.set(spec.fixedQ, group);
  });
  for (const members of groups.values()) {
    const triples = members
      .map((b) => ({ gain: params[p.gainAt[b]!]!, freq: params[p.freqAt[b]!]!, q: p.qAt[b]! < 0 ? 0 : params[p.qAt[b]!]! }))
      .sort((x, y) => x.freq - y.freq);
    members.forEach((b, k) => {
      const t = triples[k]!;
      const spec = p.specs[b]!;
      out[p.gainAt[b]!] = clamp(t.gain, gainRangeOf(spec).min, gainRangeOf(spec).max);
      out[p.freqAt[b]!] = clamp(t.freq, spec.freq.min, spec.freq.max);
      if (p.qAt[b]! >= 0) out[p.qAt[b]!] = clamp(t.q, qRangeOf(spec).min, qRangeOf(spec).max);
    });
  }
  return out;
}

/**
 * Refines `initial` alone (no other start, no reseed, the bands kept in the order given), pulled toward it by `pull`
 * (see stayNear): a fit that must stay near its start, as each sample of a path or a grid does next to its neighbour.
 */
export function refineFit(targetDb: ArrayLike<number>, freqs: ArrayLike<number>, initial: ArrayLike<number>, iterations: number, pull: number, bands?: readonly BandSpec[]): FitResult {
  return fitParametric(targetDb, freqs, { bands, initial, starts: 0, reseed: false, sort: false, iterations, stayNear: pull });
}

/** Fits the 5-band SAFE layout (the 13 parameters; shelves' Q fixed at SHELF_Q). */
export function fitParametric(targetDb: ArrayLike<number>, freqs: ArrayLike<number>, opts?: FitOptions & { readonly bands?: undefined }): FitResult<EqSettings>;
/** Fits any band layout; params come back in that layout's order. */
export function fitParametric(targetDb: ArrayLike<number>, freqs: ArrayLike<number>, opts?: FitOptions): FitResult;
export function fitParametric(targetDb: ArrayLike<number>, freqs: ArrayLike<number>, opts: FitOptions = {}): FitResult {
  validate(targetDb, freqs, opts.weights);
  const specs = opts.bands ?? BAND_SPECS;
  const slots = opts.bounds ? tightened(slotsOf(specs), opts.bounds) : slotsOf(specs);
  const fs = opts.fs ?? SAMPLE_RATE;
  const indexOf = (b: number, kind: ParamKind) => slots.findIndex((s) => s.band === b && s.kind === kind);
  const p: Problem = {
    specs,
    slots,
    gainAt: specs.map((_, b) => indexOf(b, 'gain')),
    freqAt: specs.map((_, b) => indexOf(b, 'freq')),
    qAt: specs.map((_, b) => indexOf(b, 'q')),
    warped: warpGrid(freqs, fs),
    fs,
    target: targetDb,
    sw: Float64Array.from({ length: targetDb.length }, (_, i) => Math.sqrt(opts.weights?.[i] ?? 1)),
    unitWeights: opts.weights === undefined,
    prior: opts.stayNear && opts.initial !== undefined ? { u: toSearch(opts.initial, slots), weight: opts.stayNear } : null,
  };
  if (opts.initial !== undefined && opts.initial.length !== slots.length) {
    throw new RangeError(`initial has ${opts.initial.length} parameters, the layout has ${slots.length}`);
  }

  // With an initial point, zero further starts is allowed: a warm start alone (a path's next sample).
  const starts = startPoints(slots, Math.max(opts.initial !== undefined ? 0 : 1, Math.floor(opts.starts ?? DEFAULT_STARTS)));
  if (opts.initial !== undefined) starts.unshift(toSearch(opts.initial, slots));
  const iterations = Math.max(0, Math.floor(opts.iterations ?? DEFAULT_ITERATIONS));
  let sumW = 0;
  for (let i = 0; i < p.sw.length; i++) sumW += p.sw[i]! ** 2;
  const good = (cost: number) => Math.sqrt(cost / sumW) < GOOD_ENOUGH_RMS_DB;
  let best = bestOf(p, starts, iterations, good);
  for (let round = 0; round < (opts.reseed === false ? 0 : RESEED_ROUNDS) && !good(best.cost); round++) {
    const next = bestOf(p, reseeds(p, best.u), iterations, good);
    if (next.cost >= best.cost * 0.999) {
      if (next.cost < best.cost) best = next;
      break;
    }
    best = next;
  }

  const params = opts.sort === false ? toPhysical(best.u, slots) : sortPeaking(toPhysical(best.u, slots), p);
  const bands = specs.map((spec, b): Band => ({
    type: spec.type,
    gain: params[p.gainAt[b]!]! as Db,
    freq: params[p.freqAt[b]!]! as Hz,
    q: (spec.fixedQ ?? params[p.qAt[b]!]!) as Q,
  }));
  // Errors are recomputed from the final (sorted, clamped) bands, so they describe exactly what is returned.
  const final = new Float64Array(targetDb.length).fill(1);
  for (const band of bands) multiplyBandPower(final, band.type, band.gain, band.freq, band.q, p.warped, fs);
  let sq = 0;
  let abs = 0;
  for (let i = 0; i < final.length; i++) {
    const e = 10 * Math.log10(final[i]!) - targetDb[i]!;
    const w = p.sw[i]! ** 2;
    sq += w * e * e;
    abs += w * Math.abs(e);
  }
  return { params, bands, rmsDb: Math.sqrt(sq / sumW), maeDb: abs / sumW };
}
