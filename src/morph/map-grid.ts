// Any point of the sound map as an EQ: a grid of kernel-weighted blends of the words' decoded parameters, read bilinearly.

import { paramsToBands, PARAMS, PARAM_COUNT, type EqSettings } from '../eq/bands.js';
import type { EqModel } from '../model/eq-model.js';
import type { SoundMapPoint } from '../model/sound-map.js';

/** Nodes per side: a 0.01 move is under a third of a cell, so a step between nodes is spread over several moves. */
export const MAP_GRID_SIZE = 41;
/**
 * Width (standard deviation, in map units of 0..1) of the Gaussian that weighs the words around a point. Narrow
 * enough that a point on a word decodes close to it, wide enough that the EQ moves less than 0.5 dB per 0.01 of travel
 * (both measured by test/morph/map-grid.test.ts).
 */
export const MAP_KERNEL = 0.06;

const LOG = PARAMS.map((p) => p.kind !== 'gain');
const UNSORTED = { sorted: false } as const;
/**
 * Milliseconds of background work per event-loop turn while the grid builds (words decoded, then nodes blended), so a
 * fader's datagrams are read between: decoding the ~360 words in one turn took 110 ms, and a row of 41 nodes 10-20 ms.
 */
const TURN_BUDGET_MS = 1;

/**
 * How the map blends words around a point: a Gaussian of width `kernel`, widened where words are sparse to `spread`
 * times the distance of the `neighbours`-th nearest word. A fixed width alone hands a point in an empty stretch from
 * one far word to the next over a distance of about kernel² / gap, which is a jump; the adaptive width keeps that
 * hand-over as long as the gap.
 */
export interface MapKernel {
  readonly kernel: number;
  readonly neighbours: number;
  readonly spread: number;
}

export const MAP_BLEND: MapKernel = { kernel: MAP_KERNEL, neighbours: 6, spread: 0.6 };

/**
 * The map's parameters at (x, y), in interpolation space: the kernel-weighted mean of the words' decoded parameters
 * (`words`, one row of PARAM_COUNT per point, gain dB and log2 freq and Q) around it. Written into `out`; pure.
 */
export function mapBlend(points: readonly SoundMapPoint[], words: Float64Array, x: number, y: number, out: Float64Array, blend: MapKernel = MAP_BLEND): Float64Array {
  const d2 = points.map((p) => (p.x - x) ** 2 + (p.y - y) ** 2);
  const sorted = d2.slice().sort((a, b) => a - b);
  const near = sorted[0] ?? 0;
  const kth = Math.sqrt(sorted[Math.min(sorted.length - 1, blend.neighbours - 1)] ?? 0);
  const h = Math.max(blend.kernel, blend.spread * kth);
  out.fill(0);
  let total = 0;
  // Weights relative to the nearest word's, so they never all underflow.
  d2.forEach((d, i) => {
    const w = Math.exp(-(d - near) / (2 * h * h));
    total += w;
    for (let j = 0; j < PARAM_COUNT; j++) out[j]! += w * words[i * PARAM_COUNT + j]!;
  });
  for (let j = 0; j < PARAM_COUNT; j++) out[j]! /= total;
  return out;
}

/**
 * Decodes map points. Each word's centroid is decoded once (one batched call, the model's own answer for the word);
 * a grid of MAP_GRID_SIZE² nodes holds their kernel-weighted blends; an event reads the grid bilinearly, which costs a
 * table read like a pair's. Blending the decoded parameters rather than the centroids keeps the map as smooth as its
 * kernel: the decoder between far-apart centroids is not (see docs), and words that sound alike can lie far apart in
 * the latent space.
 */
/** Decoded rows (physical units) as one array in interpolation space: gains in dB, frequencies and Qs as log2. */
function toInterpolationSpace(rows: readonly ArrayLike<number>[]): Float64Array {
  const v = new Float64Array(rows.length * PARAM_COUNT);
  rows.forEach((row, k) => {
    for (let j = 0; j < PARAM_COUNT; j++) v[k * PARAM_COUNT + j] = LOG[j] ? Math.log2(row[j]!) : row[j]!;
  });
  return v;
}

export class MapGrid {
  private words: Float64Array | null = null;
  private values: Float64Array | null = null;
  private building = false;
  private readonly out = new Float64Array(PARAM_COUNT);

  constructor(
    private readonly model: EqModel,
    readonly points: readonly SoundMapPoint[],
    readonly size = MAP_GRID_SIZE,
    readonly blend: MapKernel = MAP_BLEND,
    /**
     * Decodes latent points to parameter rows in eqmorph's band order; by default the model's tfjs decoder. The bridge
     * passes its JavaScript decoder: the map's first use then costs no tfjs call (the first in a process warms the
     * backend's kernels: about 0.4 s, which a fader moved at start waited for).
     */
    private readonly decodeRows: (zs: readonly (readonly number[])[]) => ArrayLike<number>[] = (zs) => model.decodeLatents(zs, UNSORTED),
  ) {}

  get ready(): boolean {
    return this.values !== null;
  }

  /** The words' decoded parameters in interpolation space, decoding them on first use (one batched call). */
  private wordParams(): Float64Array {
    if (this.words) return this.words;
    this.words = toInterpolationSpace(this.decodeRows(this.points.map((p) => this.model.term(p.term)!.z)));
    return this.words;
  }

  private node(k: number, words: Float64Array, into: Float64Array): void {
    const n = this.size - 1;
    mapBlend(this.points, words, (k % this.size) / n, Math.floor(k / this.size) / n, into, this.blend);
  }

  /** Builds the whole grid now (tests, benchmarks, the CLI). */
  build(): void {
    if (this.values) return;
    const words = this.wordParams();
    const v = new Float64Array(this.size * this.size * PARAM_COUNT);
    for (let k = 0; k < this.size * this.size; k++) this.node(k, words, v.subarray(k * PARAM_COUNT, (k + 1) * PARAM_COUNT));
    this.values = v;
  }

  /**
   * Builds the grid in the background, TURN_BUDGET_MS of work per turn of the event loop (at least one word or node),
   * so no event waits behind it: first the words are decoded one by one, then the nodes blended.
   */
  prepare(): void {
    if (this.values || this.building) return;
    this.building = true;
    const v = new Float64Array(this.size * this.size * PARAM_COUNT);
    const zs = this.points.map((p) => this.model.term(p.term)!.z);
    const rows: ArrayLike<number>[] = [];
    let k = 0;
    const step = () => {
      const until = performance.now() + TURN_BUDGET_MS;
      do {
        if (!this.words && rows.length < zs.length) rows.push(...this.decodeRows([zs[rows.length]!]));
        else if (!this.words) this.words = toInterpolationSpace(rows);
        else if (k < this.size * this.size) {
          this.node(k, this.words, v.subarray(k * PARAM_COUNT, (k + 1) * PARAM_COUNT));
          k++;
        } else break;
      } while (performance.now() < until);
      if (!this.words || k < this.size * this.size) return void setImmediate(step);
      this.values = v;
      this.building = false;
    };
    setImmediate(step);
  }

  /**
   * The EQ at a map point in physical units: bilinear between the four nodes around it (geometric for frequency and
   * Q). Until the grid is built, the point's own blend is computed directly (what a node there would hold).
   */
  params(x: number, y: number): Float64Array {
    const cx = x <= 0 ? 0 : x >= 1 ? 1 : x;
    const cy = y <= 0 ? 0 : y >= 1 ? 1 : y;
    const v = this.values;
    if (!v) {
      this.prepare();
      mapBlend(this.points, this.wordParams(), cx, cy, this.out, this.blend);
    } else {
      const n = this.size - 1;
      const gx = cx * n;
      const gy = cy * n;
      const i = Math.min(Math.floor(gx), n - 1);
      const j = Math.min(Math.floor(gy), n - 1);
      const fx = gx - i;
      const fy = gy - j;
      const a = (j * this.size + i) * PARAM_COUNT;
      const b = a + PARAM_COUNT;
      const c = a + this.size * PARAM_COUNT;
      const d = c + PARAM_COUNT;
      for (let k = 0; k < PARAM_COUNT; k++) {
        const low = v[a + k]! + fx * (v[b + k]! - v[a + k]!);
        const high = v[c + k]! + fx * (v[d + k]! - v[c + k]!);
        this.out[k] = low + fy * (high - low);
      }
    }
    for (let k = 0; k < PARAM_COUNT; k++) if (LOG[k]) this.out[k] = 2 ** this.out[k]!;
    return this.out;
  }

  decode(x: number, y: number): EqSettings {
    return paramsToBands(this.params(x, y));
  }
}
