// Latent codes of examples and the per-term centroids (mean latent code of a term's training examples).

import * as tf from './tf.js';
import { normalise, type NormStats } from '../data/normalise.js';
import type { TermExample } from '../data/terms.js';

/** Encodes physical parameter rows to latent codes (dropout off). */
export function encodeParams(encoder: tf.LayersModel, rows: readonly (readonly number[])[], stats: NormStats): number[][] {
  if (rows.length === 0) return [];
  return tf.tidy(() => {
    const x = tf.tensor2d(rows.map((r) => normalise(r, stats)));
    return (encoder.apply(x, { training: false }) as tf.Tensor2D).arraySync();
  });
}

export function mean(vectors: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(vectors[0]!.length).fill(0);
  for (const v of vectors) v.forEach((x, i) => (out[i]! += x));
  return out.map((x) => x / vectors.length);
}

export function termCentroids(encoder: tf.LayersModel, examples: readonly TermExample[], stats: NormStats): Map<string, { z: number[]; count: number }> {
  const byTerm = new Map<string, TermExample[]>();
  for (const e of examples) byTerm.set(e.term, [...(byTerm.get(e.term) ?? []), e]);
  const out = new Map<string, { z: number[]; count: number }>();
  for (const [term, list] of byTerm) out.set(term, { z: mean(encodeParams(encoder, list.map((e) => e.params), stats)), count: list.length });
  return out;
}
