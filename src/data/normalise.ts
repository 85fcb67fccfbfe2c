// Z-score normalisation of the 13 parameters (frequencies and Q in log2 space), with statistics that travel with the model.

import { PARAMS, PARAM_COUNT } from '../eq/bands.js';

export interface NormStats {
  /** Per parameter: mean and standard deviation in the transformed space (gain dB; log2 Hz; log2 Q). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export function isLogParam(i: number): boolean {
  return PARAMS[i]!.kind !== 'gain';
}

export function fitNormStats(rows: readonly (readonly number[])[]): NormStats {
  const n = rows.length;
  if (n === 0) throw new RangeError('cannot fit normalisation statistics to no examples');
  const t = rows.map(transform);
  const mean = Array.from({ length: PARAM_COUNT }, (_, j) => t.reduce((s, r) => s + r[j]!, 0) / n);
  const std = Array.from({ length: PARAM_COUNT }, (_, j) => {
    const sd = Math.sqrt(t.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n);
    return sd > 1e-9 ? sd : 1;
  });
  return { mean, std };
}

function transform(row: readonly number[]): number[] {
  return row.map((v, i) => (isLogParam(i) ? Math.log2(v) : v));
}

export function normalise(row: readonly number[], s: NormStats): number[] {
  return transform(row).map((v, i) => (v - s.mean[i]!) / s.std[i]!);
}

export function denormalise(z: readonly number[], s: NormStats): number[] {
  return z.map((v, i) => {
    const t = v * s.std[i]! + s.mean[i]!;
    return isLogParam(i) ? 2 ** t : t;
  });
}
