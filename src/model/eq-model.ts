// A loaded model at run time: term lookup, latent interpolation between centroids, and decoding a latent point to EQ bands.

import * as tf from './tf.js';
import { paramsToBands, type EqSettings } from '../eq/bands.js';
import { sortPeakingBands } from '../data/terms.js';
import { loadModelDir, type ModelFiles, type TermInfo } from './model-dir.js';

export class EqModel {
  constructor(readonly files: ModelFiles) {}

  static async load(dir: string): Promise<EqModel> {
    return new EqModel(await loadModelDir(dir));
  }

  /** Default vocabulary (hidden terms excluded), in the model's order. */
  get terms(): string[] {
    return [...this.files.terms].filter(([, t]) => !t.hidden).map(([term]) => term);
  }

  /** Every term the model holds, hidden ones included (the words a mapping or `decode` may name exactly). */
  get allTerms(): string[] {
    return [...this.files.terms.keys()];
  }

  get latentDim(): number {
    return this.files.meta.config.latentDim;
  }

  term(term: string): TermInfo | undefined {
    return this.files.terms.get(term);
  }

  /** z(alpha) = (1 - alpha) c_A + alpha c_B. */
  interpolate(termA: string, termB: string, alpha: number): number[] {
    const a = this.requireTerm(termA).z;
    const b = this.requireTerm(termB).z;
    return a.map((x, i) => (1 - alpha) * x + alpha * b[i]!);
  }

  /**
   * Decodes many latent points in one call: physical 13-parameter rows, peaking bands in ascending frequency (a
   * snapshot for people and files). `sorted: false` keeps the decoder's own band order, in which each band moves
   * continuously along a path; sorting would swap two bands' gain and Q in one step where their frequencies cross.
   */
  decodeLatents(zs: readonly (readonly number[])[], opts: { sorted?: boolean } = {}): number[][] {
    if (zs.length === 0) return [];
    const flat = tf.tidy(() => {
      const out = this.files.networks.decoder.predict(tf.tensor2d(zs as number[][], [zs.length, this.latentDim])) as tf.Tensor2D;
      return out.dataSync();
    });
    const width = flat.length / zs.length;
    const rows = zs.map((_, i) => Array.from(flat.subarray(i * width, (i + 1) * width)));
    return opts.sorted === false ? rows : rows.map(sortPeakingBands);
  }

  /** The direct (uncached) decode: one predict call. The run-time bridge uses the cached path in src/morph. */
  decode(termA: string, termB: string, alpha: number, opts: { sorted?: boolean } = {}): EqSettings {
    return paramsToBands(this.decodeLatents([this.interpolate(termA, termB, alpha)], opts)[0]!);
  }

  private requireTerm(term: string): TermInfo {
    const info = this.files.terms.get(term);
    if (!info) throw new RangeError(`unknown term "${term}"`);
    return info;
  }
}
