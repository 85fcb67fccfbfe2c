// A term pair's morph path sampled once by the tfjs decoder, then read at any alpha by interpolation: the run-time fast path.

import { PARAMS, PARAM_COUNT } from '../eq/bands.js';

/** Samples of the decoded 13 parameters at alpha = i / (steps - 1), stored in interpolation space (log2 for freq and Q). */
export interface PairTable {
  readonly termA: string;
  readonly termB: string;
  readonly steps: number;
  readonly values: Float64Array;
}

const LOG = PARAMS.map((p) => p.kind !== 'gain');

/** Builds a table from decoded rows (physical units), one row per alpha sample. */
export function pairTable(termA: string, termB: string, rows: readonly (readonly number[])[]): PairTable {
  if (rows.length < 2) throw new RangeError('a pair table needs at least two samples');
  const values = new Float64Array(rows.length * PARAM_COUNT);
  rows.forEach((row, i) => row.forEach((v, j) => (values[i * PARAM_COUNT + j] = LOG[j] ? Math.log2(v) : v)));
  return { termA, termB, steps: rows.length, values };
}

/**
 * Parameters at alpha, linearly interpolated between the two nearest samples (geometrically for freq and Q).
 * Writes into `out` (length PARAM_COUNT) so the hot path allocates nothing.
 */
export function readPairTable(t: PairTable, alpha: number, out: Float64Array = new Float64Array(PARAM_COUNT)): Float64Array {
  readPairTableSpace(t, alpha, out);
  for (let j = 0; j < PARAM_COUNT; j++) if (LOG[j]) out[j] = 2 ** out[j]!;
  return out;
}

/**
 * The same read in interpolation space (gain dB, log2 freq and Q), for blends of several paths (the XY pad), which
 * are made in that space and would otherwise pay a log for every exp.
 */
export function readPairTableSpace(t: PairTable, alpha: number, out: Float64Array): Float64Array {
  const x = (alpha <= 0 ? 0 : alpha >= 1 ? 1 : alpha) * (t.steps - 1);
  const i = Math.min(Math.floor(x), t.steps - 2);
  const f = x - i;
  const a = i * PARAM_COUNT;
  const b = a + PARAM_COUNT;
  for (let j = 0; j < PARAM_COUNT; j++) out[j] = t.values[a + j]! + f * (t.values[b + j]! - t.values[a + j]!);
  return out;
}
