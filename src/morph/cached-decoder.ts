// The bridge's decoder: pair tables computed by the tfjs model on first use of a pair, kept in a small LRU cache.

import { PARAM_COUNT, paramsToBands, type EqSettings } from '../eq/bands.js';
import type { EqModel } from '../model/eq-model.js';
import { BuildScheduler } from './build-scheduler.js';
import type { FitPool } from './fit-pool.js';
import { DenseDecoder } from './dense-decoder.js';
import { pairTable, readPairTable, type PairTable } from './pair-table.js';
import type { SoundMapPoint } from '../model/sound-map.js';
import { MapGrid } from './map-grid.js';
import type { Corners } from './morph-state.js';
import { padEdges, XyPatch } from './xy-patch.js';
import { shapePath, shapePathSteps, straightenedPoint } from './path-shape.js';

/**
 * The bridge keeps the decoder's band order: each band then moves continuously along a path and stays in its own range
 * by construction. Sorting by frequency (as `eqmorph decode` shows) would swap two bands' gain and Q in one step where
 * their frequencies cross, and a target updating one parameter at a time would glitch.
 */
const UNSORTED = { sorted: false } as const;

/**
 * Samples decoded in one slice of background work, which a fader event may have to wait for: in plain JavaScript a
 * sample costs a fraction of a millisecond; a tfjs call costs a fixed overhead plus a little per sample, so there a few
 * samples share one call.
 */
const SLICE_JS = 1;
const SLICE_TFJS = 8;

const pairKey = (termA: string, termB: string) => `${termA}\u0000${termB}`;

/** What the decoder needs of a worker pool (FitPool has it). */
export type PathPool = Pick<FitPool, 'shape' | 'samplePath' | 'useDecoder' | 'touch'>;

export interface CachedDecoderOptions {
  /** Alpha samples per pair; 129 keeps interpolation error far below what a listener or a 7-bit fader can resolve. */
  readonly steps?: number;
  /** Pairs kept at once (each costs steps x 13 doubles, about 13 kB at 129 steps). */
  readonly maxPairs?: number;
  /** XY pads (corner sets) whose grids are kept at once, about 13 kB each (default 8). */
  readonly maxPads?: number;
  /** Where background builds run (one per process, shared with the fitted decoders); by default one of its own. */
  readonly scheduler?: BuildScheduler;
  /** Decode in plain JavaScript where it matches tfjs (default true); false: always tfjs. */
  readonly javascript?: boolean;
  /** The sound map's words, for decoding map points (see map-grid.ts). */
  readonly soundMap?: readonly SoundMapPoint[];
  /**
   * Worker threads that decode a new pair's samples and shape its path (path-shape.ts, tens of ms of fits per pair),
   * where the decoder runs in plain JavaScript; with tfjs the samples are decoded here, in the scheduler's slices, and
   * shaped there. Without a pool, or when it fails, all of it runs in the scheduler's slices.
   */
  readonly pool?: PathPool | null;
}

/** A built table and when it was last used (a running count of lookups), for evicting the least recently used. */
interface CachedTable {
  readonly table: PairTable;
  used: number;
}

export class CachedDecoder {
  readonly steps: number;
  private readonly maxPairs: number;
  private readonly tables = new Map<string, CachedTable>();
  private uses = 0;
  private readonly scratch = new Float64Array(13);
  private termList: readonly string[] | null = null;
  readonly scheduler: BuildScheduler;
  /** The decoder network in plain JavaScript, where it agrees with tfjs (see DenseDecoder); null: tfjs decodes. */
  readonly dense: DenseDecoder | null;
  private readonly slice: number;
  private readonly pool: PathPool | null;
  /** Pairs whose samples are being shaped in the pool. */
  private readonly shaping = new Set<string>();

  constructor(
    readonly model: EqModel,
    opts: CachedDecoderOptions = {},
  ) {
    this.steps = opts.steps ?? 129;
    this.maxPairs = opts.maxPairs ?? 64;
    this.scheduler = opts.scheduler ?? new BuildScheduler();
    const [a, b] = model.terms;
    this.dense =
      opts.javascript === false || !a || !b
        ? null
        : DenseDecoder.from(model.files.networks.decoder, { zs: [0, 0.37, 1].map((x) => model.interpolate(a, b, x)), tfjs: (zs) => model.decodeLatents(zs, UNSORTED) });
    this.slice = this.dense ? SLICE_JS : SLICE_TFJS;
    const dense = this.dense;
    this.map = opts.soundMap ? new MapGrid(model, opts.soundMap, undefined, undefined, dense ? (zs) => zs.map((z) => dense.decode(z)) : undefined) : null;
    this.pool = opts.pool ?? null;
    if (this.pool && this.dense) this.pool.useDecoder(this.dense.toData());
    this.pad = new XyPatch(this, { scheduler: this.scheduler, maxGrids: opts.maxPads });
  }

  private readonly pad: XyPatch;
  readonly map: MapGrid | null;

  /** The XY pad over four corner words: a read of the corner set's grid, or of its four edge tables while the grid builds (see xy-patch.ts). */
  decodeXY(corners: Corners, x: number, y: number): EqSettings {
    return this.pad.decode(corners, x, y);
  }

  /** Builds a pad's edge tables and its grid now (tests, the CLI); `padReady` tells whether a corner set's grid is built. */
  preparePad(corners: Corners): void {
    for (const [a, b] of padEdges(corners)) this.prepare(a, b);
    this.pad.prepare(corners);
  }

  padReady(corners: Corners): boolean {
    return this.pad.ready(corners);
  }

  /** A point of the sound map; without a map, the middle of the vocabulary is not defined, so the first word's pair path stands in. */
  decodeMap(x: number, y: number): EqSettings {
    if (this.map) return this.map.decode(x, y);
    const t = this.model.terms[0]!;
    return this.decode(t, t, 0);
  }

  /** One array for the decoder's life: term lookups index it once (the model's getter builds a new list per call). */
  get terms(): readonly string[] {
    this.termList ??= this.model.terms;
    return this.termList;
  }

  hasTerm(term: string): boolean {
    return this.model.term(term) !== undefined;
  }

  /**
   * The pair's table if it is built, marking it most recently used. A hit only stamps its entry: moving it to the end
   * of the Map (delete, set) made V8 rebuild the Map's hash table, and the table of a long-lived Map is rebuilt straight
   * in the old generation, about 130 bytes of garbage there per fader event that only a full collection frees.
   */
  private cachedTable(key: string): PairTable | undefined {
    const hit = this.tables.get(key);
    if (!hit) return undefined;
    hit.used = ++this.uses;
    return hit.table;
  }

  /** Keeps `table`, evicting the least recently used one when full (a search over at most `maxPairs`: term switches only). */
  private store(key: string, table: PairTable): PairTable {
    if (!this.tables.has(key) && this.tables.size >= this.maxPairs) {
      let oldest: string | undefined;
      let oldestUse = Infinity;
      for (const [k, c] of this.tables) {
        if (c.used < oldestUse) {
          oldest = k;
          oldestUse = c.used;
        }
      }
      this.tables.delete(oldest!);
    }
    this.tables.set(key, { table, used: ++this.uses });
    return table;
  }

  /** The pair's table, decoding all its samples in one batched tfjs call if it is not built yet (blocks ~20 ms). */
  table(termA: string, termB: string): PairTable {
    const key = pairKey(termA, termB);
    return this.cachedTable(key) ?? this.store(key, pairTable(termA, termB, shapePath(this.samples(termA, termB, 0, this.steps))));
  }

  /** Builds a pair's table now, e.g. for the initial pairs at start, before the first fader move; a queued build of it is dropped. */
  prepare(termA: string, termB: string): void {
    this.table(termA, termB);
    this.scheduler.cancel(this.jobKey(termA, termB));
  }

  /** Decoded parameter rows for table samples from..to-1, in one batched call (or one by one in JavaScript). */
  private samples(termA: string, termB: string, from: number, to: number): number[][] {
    const zs = Array.from({ length: to - from }, (_, i) => this.model.interpolate(termA, termB, (from + i) / (this.steps - 1)));
    const dense = this.dense;
    return dense ? zs.map((z) => Array.from(dense.decode(z))) : this.model.decodeLatents(zs, UNSORTED);
  }

  /** The scheduler's key of a pair's build. */
  jobKey(termA: string, termB: string): string {
    return `pair\u0000${pairKey(termA, termB)}`;
  }

  /**
   * Queues a pair's table to be built in the background, a few samples per slice of the shared scheduler, so a fader
   * event never waits behind a whole table.
   */
  request(termA: string, termB: string, inThread = false): void {
    const key = pairKey(termA, termB);
    if (this.tables.has(key) || this.shaping.has(key)) return;
    const pool = inThread ? null : this.pool;
    if (pool && this.dense) {
      if (this.model.term(termA) && this.model.term(termB)) this.inPool(pool.samplePath(this.jobKey(termA, termB), this.model.interpolate(termA, termB, 0), this.model.interpolate(termA, termB, 1), this.steps), termA, termB);
      return;
    }
    const rows: number[][] = [];
    // Sampling, then shaping the path (a few fits, see path-shape.ts): in the pool, or here a slice at a time.
    let shaping: Generator<void, number[][], void> | null = null;
    this.scheduler.add(this.jobKey(termA, termB), {
      step: () => {
        if (!this.model.term(termA) || !this.model.term(termB)) return true;
        if (!shaping) {
          rows.push(...this.samples(termA, termB, rows.length, Math.min(this.steps, rows.length + this.slice)));
          if (rows.length < this.steps) return false;
          if (pool) {
            this.shapeInPool(pool, termA, termB, rows);
            return true;
          }
          shaping = shapePathSteps(rows);
          return false;
        }
        const next = shaping.next();
        if (!next.done) return false;
        this.store(key, pairTable(termA, termB, next.value));
        return true;
      },
    });
  }

  /** Hands a pair's decoded samples to the pool to be shaped. */
  private shapeInPool(pool: PathPool, termA: string, termB: string, rows: readonly (readonly number[])[]): void {
    const flat = new Float64Array(rows.length * PARAM_COUNT);
    rows.forEach((r, i) => flat.set(r, i * PARAM_COUNT));
    this.inPool(pool.shape(this.jobKey(termA, termB), flat), termA, termB);
  }

  /** Stores the pair's table when the pool's rows come; a failure builds it here instead, in slices. */
  private inPool(rows: Promise<Float64Array>, termA: string, termB: string): void {
    const key = pairKey(termA, termB);
    this.shaping.add(key);
    rows.then(
      (shaped) => {
        this.shaping.delete(key);
        if (!this.tables.has(key)) this.store(key, pairTable(termA, termB, Array.from({ length: shaped.length / PARAM_COUNT }, (_, i) => Array.from(shaped.subarray(i * PARAM_COUNT, (i + 1) * PARAM_COUNT)))));
        this.scheduler.wake();
      },
      () => {
        this.shaping.delete(key);
        this.request(termA, termB, true);
      },
    );
  }

  /** True while the pair's table is being made in the pool (jobs waiting for it are woken when it is stored). */
  building(termA: string, termB: string): boolean {
    return this.shaping.has(pairKey(termA, termB));
  }

  /** Puts a pair's background build first in line (a performer is moving it). */
  touch(termA: string, termB: string): void {
    this.scheduler.touch(this.jobKey(termA, termB));
    this.pool?.touch(this.jobKey(termA, termB));
  }

  /**
   * The hot path. A built table answers in well under a microsecond. A pair seen for the first time (a term switch)
   * is answered at once by one decode and one straightened sample (path-shape.ts), and its table is built in the background.
   */
  decode(termA: string, termB: string, alpha: number): EqSettings {
    const key = pairKey(termA, termB);
    const hit = this.cachedTable(key);
    if (hit) return paramsToBands(readPairTable(hit, alpha, this.scratch));
    this.request(termA, termB);
    this.touch(termA, termB);
    return paramsToBands(this.firstAnswer(termA, termB, alpha));
  }

  /** A pair's answer before its table is built: the decodes of both ends and of α, straightened (path-shape.ts). */
  private firstAnswer(termA: string, termB: string, alpha: number): number[] {
    // At an end the straightened sample is that end's own decode (a desk's channels start at α 0): one decode, not three.
    const dense = this.dense;
    const decode = dense ? (zs: readonly (readonly number[])[]) => zs.map((z) => dense.decode(z)) : (zs: readonly (readonly number[])[]) => this.model.decodeLatents(zs, UNSORTED);
    return straightenedPoint(decode, this.model.interpolate(termA, termB, 0), this.model.interpolate(termA, termB, 1), alpha);
  }

  /** A word's latent point where this decoder decodes in plain JavaScript, as the pool's workers do (see FittedDecoder). */
  wordLatent(term: string): readonly number[] | undefined {
    return this.dense ? this.model.term(term)?.z : undefined;
  }

  /** True once the pair's table is built (tests and benchmarks wait on it). */
  ready(termA: string, termB: string): boolean {
    return this.tables.has(pairKey(termA, termB));
  }
}
