// Magnitude response in dB of RBJ Audio-EQ-Cookbook biquads (peaking, low shelf, high shelf) and of the EQ cascade.

import { paramsToBands, type Band, type BandType } from './bands.js';
import { DEFAULT_GRID, SAMPLE_RATE } from './grid.js';

/** Unnormalised cookbook coefficients: H(z) = (b0 + b1 z^-1 + b2 z^-2) / (a0 + a1 z^-1 + a2 z^-2). */
export interface Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
}

/** A band's centre is kept strictly inside (0, Nyquist) so tan(w0 / 2) is finite and positive. */
function safeFreq(freq: number, fs: number): number {
  return Math.min(Math.max(freq, 1e-9 * fs), 0.4999 * fs);
}

/**
 * Cookbook coefficients for a band, for running the filter. Shelves use the cookbook's Q form,
 * alpha = sin(w0) / (2 Q), so a shelf's slope follows its Q.
 */
export function biquadCoeffs(band: Band, fs = SAMPLE_RATE): Biquad {
  const A = 10 ** (band.gain / 40);
  const w0 = (2 * Math.PI * safeFreq(band.freq, fs)) / fs;
  const c = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * band.q);
  if (band.type === 'peaking') {
    return { b0: 1 + alpha * A, b1: -2 * c, b2: 1 - alpha * A, a0: 1 + alpha / A, a1: -2 * c, a2: 1 - alpha / A };
  }
  const s = 2 * Math.sqrt(A) * alpha;
  const p = A + 1;
  const m = A - 1;
  if (band.type === 'lowshelf') {
    return {
      b0: A * (p - m * c + s),
      b1: 2 * A * (m - p * c),
      b2: A * (p - m * c - s),
      a0: p + m * c + s,
      a1: -2 * (m + p * c),
      a2: p + m * c - s,
    };
  }
  return {
    b0: A * (p + m * c + s),
    b1: -2 * A * (m + p * c),
    b2: A * (p + m * c - s),
    a0: p - m * c + s,
    a1: 2 * (m - p * c),
    a2: p - m * c - s,
  };
}

/**
 * tan^2(pi f / fs) for each frequency. The cookbook biquads are bilinear transforms of analog prototypes, prewarped
 * at w0, so the digital magnitude at w equals the prototype's at Omega = tan(w / 2) / tan(w0 / 2) exactly. Evaluating
 * through that identity avoids the cancellation the polynomial form |b0 + b1 e^-jw + b2 e^-2jw|^2 suffers at low
 * frequencies (both numerator and denominator there are tiny differences of numbers near A^2), which costs about
 * 1e-5 dB at 20 Hz and would break exact symmetries like boost = -cut.
 */
export function warpGrid(freqs: ArrayLike<number>, fs = SAMPLE_RATE): Float64Array {
  const out = new Float64Array(freqs.length);
  for (let i = 0; i < freqs.length; i++) {
    const t = Math.tan((Math.PI * freqs[i]!) / fs);
    out[i] = t * t;
  }
  return out;
}

/**
 * Multiplies acc[i] by the band's power ratio |H|^2 at each warped frequency (from warpGrid). Working in power and
 * multiplying lets a cascade take one log per frequency instead of one per band and frequency. Writes into acc so the
 * fitter's inner loop allocates nothing.
 */
export function multiplyBandPower(
  acc: Float64Array,
  type: BandType,
  gain: number,
  freq: number,
  q: number,
  warped: ArrayLike<number>,
  fs = SAMPLE_RATE,
): void {
  const A = 10 ** (gain / 40);
  const k = Math.tan((Math.PI * safeFreq(freq, fs)) / fs);
  const invK2 = 1 / (k * k);
  const invQ2 = 1 / (q * q);
  const n = acc.length;
  if (type === 'peaking') {
    // |H(j Omega)|^2 for (s^2 + s A/Q + 1) / (s^2 + s/(A Q) + 1), with x = Omega^2.
    const up = A * A * invQ2;
    const down = invQ2 / (A * A);
    for (let i = 0; i < n; i++) {
      const x = warped[i]! * invK2;
      const d = 1 - x;
      acc[i]! *= (d * d + x * up) / (d * d + x * down);
    }
    return;
  }
  // Low shelf A (s^2 + s sqrt(A)/Q + A) / (A s^2 + s sqrt(A)/Q + 1); the high shelf is the same with s -> 1/s,
  // which swaps the roles of the two quadratics.
  const A2 = A * A;
  const mid = A * invQ2;
  const low = type === 'lowshelf';
  for (let i = 0; i < n; i++) {
    const x = warped[i]! * invK2;
    const p = A - x;
    const r = 1 - A * x;
    const pp = p * p + x * mid;
    const rr = r * r + x * mid;
    acc[i]! *= low ? (A2 * pp) / rr : (A2 * rr) / pp;
  }
}

/** dB per natural-log unit of power ratio: 10 / ln 10. */
const DB_PER_NEPER_POWER = 10 / Math.LN10;

/**
 * The derivatives of one band's dB response (bandResponseDb) at each warped frequency with respect to its gain (per
 * dB), the natural log of its frequency and the natural log of its Q, written into `dGain`, `dLogFreq` and `dLogQ`
 * (`dLogQ` may be null: a band whose Q is fixed). Exact, from the same closed forms as multiplyBandPower: a fit's
 * Jacobian costs one pass over the grid per band, with no logarithms, where forward differences cost one response per
 * parameter.
 */
export function bandDbDerivatives(
  dGain: Float64Array,
  dLogFreq: Float64Array,
  dLogQ: Float64Array | null,
  type: BandType,
  gain: number,
  freq: number,
  q: number,
  warped: ArrayLike<number>,
  fs = SAMPLE_RATE,
): void {
  const A = 10 ** (gain / 40);
  const f = safeFreq(freq, fs);
  const theta = (Math.PI * f) / fs;
  const k = Math.tan(theta);
  const invK2 = 1 / (k * k);
  const invQ2 = 1 / (q * q);
  const c = DB_PER_NEPER_POWER;
  // d(ln A)/d(gain) and d(ln x)/d(ln f), where x = warped / k^2 and k = tan(pi f / fs); a clamped frequency does not move.
  const dLnA = Math.LN10 / 40;
  const dLnX = f === freq ? (-2 * theta * (1 + k * k)) / k : 0;
  const n = dGain.length;
  if (type === 'peaking') {
    const up = A * A * invQ2;
    const down = invQ2 / (A * A);
    for (let i = 0; i < n; i++) {
      const x = warped[i]! * invK2;
      const d = 1 - x;
      const N = d * d + x * up;
      const D = d * d + x * down;
      // up and down scale as A^2 and A^-2, and both as Q^-2.
      dGain[i] = c * 2 * dLnA * x * (up / N + down / D);
      dLogFreq[i] = c * x * dLnX * ((up - 2 * d) / N - (down - 2 * d) / D);
      if (dLogQ) dLogQ[i] = c * -2 * x * (up / N - down / D);
    }
    return;
  }
  // Low shelf: A^2 pp / rr with pp = (A - x)^2 + x A/Q^2 and rr = (1 - A x)^2 + x A/Q^2; the high shelf is A^2 rr / pp.
  const mid = A * invQ2;
  const sign = type === 'lowshelf' ? 1 : -1;
  for (let i = 0; i < n; i++) {
    const x = warped[i]! * invK2;
    const p = A - x;
    const r = 1 - A * x;
    const pp = p * p + x * mid;
    const rr = r * r + x * mid;
    // d/dA of pp and rr (mid = A/Q^2), times dA/dgain = A dLnA.
    const ppA = 2 * p + x * invQ2;
    const rrA = -2 * x * r + x * invQ2;
    dGain[i] = c * dLnA * (2 + sign * A * (ppA / pp - rrA / rr));
    const ppX = -2 * p + mid;
    const rrX = -2 * A * r + mid;
    dLogFreq[i] = c * sign * x * dLnX * (ppX / pp - rrX / rr);
    if (dLogQ) dLogQ[i] = c * sign * -2 * x * mid * (1 / pp - 1 / rr);
  }
}

function powerToDb(acc: Float64Array): Float64Array {
  for (let i = 0; i < acc.length; i++) acc[i] = 10 * Math.log10(acc[i]!);
  return acc;
}

/** One band's magnitude response in dB at the given frequencies. */
export function bandResponseDb(band: Band, freqs: ArrayLike<number> = DEFAULT_GRID, fs = SAMPLE_RATE): Float64Array {
  const acc = new Float64Array(freqs.length).fill(1);
  multiplyBandPower(acc, band.type, band.gain, band.freq, band.q, warpGrid(freqs, fs), fs);
  return powerToDb(acc);
}

/** The cascade's magnitude response in dB: the bands' dB responses summed (their power ratios multiplied). */
export function responseDb(bands: readonly Band[], freqs: ArrayLike<number> = DEFAULT_GRID, fs = SAMPLE_RATE): Float64Array {
  const warped = warpGrid(freqs, fs);
  const acc = new Float64Array(freqs.length).fill(1);
  for (const b of bands) multiplyBandPower(acc, b.type, b.gain, b.freq, b.q, warped, fs);
  return powerToDb(acc);
}

/** Response of the 5-band EQ given as its 13-parameter vector (SAFE-DB column order, physical units). */
export function responseFromParams(params: ArrayLike<number>, freqs: ArrayLike<number> = DEFAULT_GRID, fs = SAMPLE_RATE): Float64Array {
  return responseDb(paramsToBands(params), freqs, fs);
}

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`responses differ in length: ${a.length} vs ${b.length}`);
}

/** Mean absolute difference of two responses on the same grid, in dB. */
export function meanAbsDiffDb(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength(a, b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** Largest absolute difference of two responses on the same grid, in dB (0 for empty ones). */
export function maxAbsDiffDb(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength(a, b);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/**
 * Pearson correlation of two curves (shape agreement regardless of level and scale). A constant curve has no shape to
 * agree with, so that case gives 0 rather than NaN, which would poison averages over many pairs.
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength(a, b);
  const n = a.length;
  if (n === 0) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return 0;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}
