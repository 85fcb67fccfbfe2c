// The decode path for a target with its own band layout: eqmorph's pair tables refitted to that layout, built in the background.

import { bandsToParams, PARAM_COUNT, type Band, type BandSpec, type EqSettings } from '../eq/bands.js';
import type { PairTable } from './pair-table.js';
import { readPairTable } from './pair-table.js';
import { fitAlongPath, fitLayoutSample, layoutBands, layoutTable, layoutTableOf, readLayoutTable, seedFromSource, storedLayoutTable, type LayoutTable } from './layout-path.js';
import { qRangeOf, type FitResult } from '../eq/fit.js';
import type { BandDecoder, Corners } from './morph-state.js';
import { BuildScheduler } from './build-scheduler.js';
import type { FitPool } from './fit-pool.js';
import type { TableCache } from './table-cache.js';

/** What the fitted decoder needs of eqmorph's own decoder (CachedDecoder has it). */
export interface PairTableSource {
  readonly steps: number;
  ready(termA: string, termB: string): boolean;
  table(termA: string, termB: string): PairTable;
  decode(termA: string, termB: string, alpha: number): EqSettings;
  decodeXY(corners: Corners, x: number, y: number): EqSettings;
  decodeMap(x: number, y: number): EqSettings;
  /** Queues the pair's table to be built in the background, and puts it first in line. */
  request(termA: string, termB: string): void;
  touch(termA: string, termB: string): void;
  /** True while the pair's table is being made off this thread (a fit of it waits without taking slices). */
  building?(termA: string, termB: string): boolean;
  /**
   * A word's latent point where the pool's decoder gives exactly this decoder's answer for the word alone (both
   * decode in plain JavaScript); undefined where only this thread can decode it.
   */
  wordLatent?(term: string): readonly number[] | undefined;
}

export interface FittedDecoderOptions {
  /** Where the fits run when there is no pool, a slice (one fit) at a time; by default one of its own. */
  readonly scheduler?: BuildScheduler;
  /** Worker threads that fit whole paths, off the thread serving the faders. */
  readonly pool?: FitPool | null;
  /** Built tables kept on disk, under this model's fingerprint. */
  readonly cache?: { readonly store: TableCache; readonly model: string } | null;
}

/** Fitted pairs kept at once. */
const MAX_PAIRS = 128;
/** Steps of a pair's interim grid (see interimAnswer): a quarter of the table's resolution. */
const INTERIM_STEPS = 32;

/** The interim grid's samples around alpha: the one below (i) and how far towards the next (f, 0..1). */
function gridSpan(alpha: number): [number, number] {
  const x = (alpha <= 0 ? 0 : alpha >= 1 ? 1 : alpha) * INTERIM_STEPS;
  const i = Math.min(Math.floor(x), INTERIM_STEPS - 1);
  return [i, x - i];
}

/** The interim grid's samples an answer at alpha reads: the two around it, or one where alpha is on a grid point (a desk's channels start at α 0). */
function samplesAt(alpha: number): number[] {
  const [i, f] = gridSpan(alpha);
  return f === 0 ? [i] : f === 1 ? [i + 1] : [i, i + 1];
}

const pairKey = (termA: string, termB: string) => `${termA}\u0000${termB}`;
/** Tells decoders apart in a shared scheduler's keys: two outputs with the same layout each build their own tables. */
let decoders = 0;

/**
 * Answers decode(termA, termB, alpha) with the target's own bands. Per pair, every α sample of eqmorph's pair table is
 * fitted once, each from its neighbour (see layout-path.ts), and events interpolate between samples, so the hot path
 * costs what the 5-band path costs plus a table read. Until a pair's table is built, an event is answered from a
 * coarse grid of the pair's samples fitted as answers need them (see interimAnswer), which keeps a fader's moves
 * continuous while the table builds. Tables are built in the pool's workers where there is a pool, else in slices of the shared
 * scheduler; either way the pair a performer moves goes first.
 */
export class FittedDecoder {
  private readonly tables = new Map<string, LayoutTable>();
  private readonly pending = new Set<string>();
  /** Per pair whose table is being built: the fitted samples of its coarse interim grid (layout parameters), by index. */
  private readonly interim = new Map<string, Map<number, number[]>>();
  /**
   * Words alone fitted to the layout (layout parameters): a pair's interim answer at α 0 is its first word's, at α 1 its
   * second's, whatever the pair, so one fit serves every channel and pair that starts or ends at the word.
   */
  private readonly words = new Map<string, number[]>();
  /** Grid samples and words being fitted in the pool; each settles once its fit is kept (or failed: it is then fitted here when needed). */
  private readonly asked = new Map<string, Promise<void>>();
  /** Samples the pool failed to fit (a closed pool, a broken worker): fitted here when an answer needs them. */
  private readonly refused = new Set<string>();
  /** The XY pad's and the sound map's last answer per surface (layout parameters), the warm start of the next one. */
  private readonly points = new Map<string, number[]>();
  private readonly scheduler: BuildScheduler;
  private readonly layoutId: string;
  private readonly id = ++decoders;
  /** Tables read from the disk cache, and tables built here. */
  readonly counts = { fromCache: 0, built: 0 };

  constructor(
    private readonly source: PairTableSource,
    readonly specs: readonly BandSpec[],
    private readonly opts: FittedDecoderOptions = {},
  ) {
    this.scheduler = opts.scheduler ?? new BuildScheduler();
    this.layoutId = JSON.stringify(specs);
  }

  /** The pool while its workers can run; once they cannot start (FitPool.broken), none: everything is fitted here. */
  private get pool(): FitPool | null {
    const pool = this.opts.pool ?? null;
    return pool && !pool.broken ? pool : null;
  }

  decode(termA: string, termB: string, alpha: number): Band[] {
    const key = pairKey(termA, termB);
    const hit = this.tables.get(key);
    if (hit) return readLayoutTable(hit, alpha);
    this.build(termA, termB);
    // A table kept in the cache is read at once: nothing to fit for it.
    const cached = this.tables.get(key);
    if (cached) return readLayoutTable(cached, alpha);
    this.touch(termA, termB);
    return this.interimAnswer(termA, termB, alpha);
  }

  /**
   * A pair's answer while its table is built: the table's own reading (interpolation between samples) on a coarse
   * grid of INTERIM_STEPS + 1 samples, each fitted when an answer first needs it, warm-started from the nearest one
   * already fitted. A fader moved while the table builds then costs a fit only where it reaches a new stretch of the
   * path (at most INTERIM_STEPS + 1 fits, each a short one from its neighbour), not one per event. Where a pool fits
   * them (see settled) and the caller waited, every sample needed is there and the answer is a read.
   */
  private interimAnswer(termA: string, termB: string, alpha: number): Band[] {
    const grid = this.gridOf(termA, termB);
    for (const k of samplesAt(alpha)) if (!this.sample(termA, termB, grid, k)) this.fitHere(termA, termB, grid, k);
    // Every sample the answer needs is fitted now: the provisional reading is the answer.
    return this.provisional(termA, termB, alpha)!;
  }

  /**
   * An answer from the samples of the pair's interim grid already fitted (the words at its ends included), without
   * fitting: the table's reading between the nearest fitted sample at or below alpha and the nearest at or above it;
   * undefined where one side has none, unless `make`: then a word not fitted yet counts as its own bands set on the
   * layout, as a fit of it would start (seedFromSource: a decode, no fit, so the bridge's thread stays free). Where both
   * samples an answer needs are fitted this is that answer; with only the pair's words, it blends their settings. (A
   * built table is read as decode reads it.)
   */
  provisional(termA: string, termB: string, alpha: number, make = false): Band[] | undefined {
    const hit = this.tables.get(pairKey(termA, termB));
    if (hit) return readLayoutTable(hit, alpha);
    const grid = this.interim.get(pairKey(termA, termB)) ?? new Map<number, number[]>();
    const seeds = new Map<number, number[]>();
    const known = (k: number): number[] | undefined => {
      const fitted = this.sample(termA, termB, grid, k);
      if (fitted || !make || !this.end(k)) return fitted;
      if (!seeds.has(k)) seeds.set(k, seedFromSource(bandsToParams(this.source.decode(termA, termB, k / INTERIM_STEPS)), this.specs));
      return seeds.get(k);
    };
    const [i, f] = gridSpan(alpha);
    const x = i + f;
    let lo = Math.floor(x);
    while (lo >= 0 && !known(lo)) lo--;
    let hi = Math.ceil(x);
    while (hi <= INTERIM_STEPS && !known(hi)) hi++;
    if (lo < 0 || hi > INTERIM_STEPS) return undefined;
    if (hi === lo) return layoutBands(this.specs, known(lo)!);
    return readLayoutTable(layoutTable(this.specs, [{ params: known(lo)!, maeDb: 0 }, { params: known(hi)!, maeDb: 0 }]), (x - lo) / (hi - lo));
  }

  /** Fits grid sample k on this thread, warm-started from the nearest one fitted (a word alone from its own bands). */
  private fitHere(termA: string, termB: string, grid: Map<number, number[]>, k: number): number[] {
    const row = bandsToParams(this.source.decode(termA, termB, k / INTERIM_STEPS));
    const params = fitLayoutSample(row, this.specs, (this.end(k) ? undefined : this.nearest(termA, termB, grid, k)) ?? seedFromSource(row, this.specs)).params;
    this.settle(termA, termB, grid, k, params);
    return params;
  }

  /** The pair's interim grid (made on first use). */
  private gridOf(termA: string, termB: string): Map<number, number[]> {
    const key = pairKey(termA, termB);
    let grid = this.interim.get(key);
    if (!grid) this.interim.set(key, (grid = new Map()));
    return grid;
  }

  private end(k: number): boolean {
    return k === 0 || k === INTERIM_STEPS;
  }

  /** A grid sample if it is fitted: the grid's ends are the words alone, fitted once per word (for any pair). */
  private sample(termA: string, termB: string, grid: Map<number, number[]>, k: number): number[] | undefined {
    return grid.get(k) ?? (k === 0 ? this.words.get(termA) : k === INTERIM_STEPS ? this.words.get(termB) : undefined);
  }

  /** The fitted sample nearest to k, a warm start for k's fit (undefined: none yet). */
  private nearest(termA: string, termB: string, grid: Map<number, number[]>, k: number): number[] | undefined {
    let nearest: number[] | undefined;
    let distance = Infinity;
    for (const j of [0, ...grid.keys(), INTERIM_STEPS]) {
      const params = this.sample(termA, termB, grid, j);
      if (params && Math.abs(j - k) < distance) [nearest, distance] = [params, Math.abs(j - k)];
    }
    return nearest;
  }

  /** Keeps a fitted grid sample (an end for its word); the first fit of a sample stays. */
  private settle(termA: string, termB: string, grid: Map<number, number[]>, k: number, params: number[]): void {
    if (this.sample(termA, termB, grid, k)) return;
    if (this.end(k)) this.words.set(k === 0 ? termA : termB, params);
    else grid.set(k, params);
  }

  /**
   * Resolves once decode(termA, termB, alpha) can answer by reading what is fitted: where a pool fits, every grid
   * sample the answer needs that is not fitted yet is asked of it now (a word alone first in line, see prepare), and
   * this waits for them; undefined where there is nothing to wait for (the table is built, the samples are fitted, or
   * they can only be fitted here). A caller that can hold an answer back (a channel's start snapshot, the first moves
   * of a pair) waits instead of fitting on this thread. Never rejects: a sample the pool failed is fitted here.
   */
  settled(termA: string, termB: string, alpha: number, urgent = false): Promise<void> | undefined {
    if (!this.pool || this.tables.has(pairKey(termA, termB))) return undefined;
    // A pair new to this run may have its table in the cache: read, there is nothing to wait for.
    this.build(termA, termB);
    if (this.tables.has(pairKey(termA, termB))) return undefined;
    const waits = samplesAt(alpha).map((k) => this.ask(termA, termB, k, urgent)).filter((w): w is Promise<void> => w !== undefined);
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  /**
   * Asks the pool for grid sample k of a pair unless it is fitted or asked for; the fit in flight, if any. The pool
   * decodes the point itself where its decoder is this one's (the pair's table not built yet: a straightened sample,
   * as the source answers); a built table's row, or a word's decode, is sent as it is; a point between the ends that
   * only this thread can decode is not asked (it is fitted here when needed).
   */
  private ask(termA: string, termB: string, k: number, urgent: boolean): Promise<void> | undefined {
    const pool = this.pool!;
    const grid = this.gridOf(termA, termB);
    if (this.sample(termA, termB, grid, k)) return undefined;
    const fitKey = this.end(k) ? `word\u0000${k === 0 ? termA : termB}` : `${pairKey(termA, termB)}\u0000${k}`;
    const inFlight = this.asked.get(fitKey);
    if (inFlight || this.refused.has(fitKey)) return inFlight;
    const alpha = k / INTERIM_STEPS;
    const [za, zb] = [termA, termB].map((t) => (pool.hasDecoder ? this.source.wordLatent?.(t) : undefined));
    const built = this.source.ready(termA, termB);
    // A pair's end not built is one decode (the word's), which this thread may make where the pool cannot.
    const at = !built && za && zb ? { za, zb, alpha } : built || this.end(k) ? { row: bandsToParams(this.source.decode(termA, termB, alpha)) } : null;
    if (!at) return undefined;
    const made = pool.point(at, this.specs, this.end(k) ? undefined : this.nearest(termA, termB, grid, k), urgent).then(
      (r) => {
        // A table built meanwhile has dropped the pair's grid: the fit is no longer wanted (a word's still is).
        if (this.end(k) || this.interim.get(pairKey(termA, termB)) === grid) this.settle(termA, termB, grid, k, Array.from(r.params));
      },
      // Not asked again: decode fits it here.
      () => void this.refused.add(fitKey),
    );
    this.asked.set(fitKey, made);
    void made.then(() => this.asked.delete(fitKey));
    return made;
  }

  /**
   * The XY pad and the sound map on this layout: eqmorph's own bands at the point, fitted warm-started from the
   * previous answer on the same surface (about 1 ms per event), so the layout's parameters follow the point
   * continuously. There are no per-surface tables: a pad has a patch of points, not a path.
   */
  decodeXY(corners: Corners, x: number, y: number): Band[] {
    return this.fitPoint(`xy\u0000${corners.join('\u0000')}`, this.source.decodeXY(corners, x, y));
  }

  decodeMap(x: number, y: number): Band[] {
    return this.fitPoint('map', this.source.decodeMap(x, y));
  }

  private fitPoint(key: string, own: EqSettings): Band[] {
    const row = bandsToParams(own);
    const fit = fitLayoutSample(row, this.specs, this.points.get(key) ?? seedFromSource(row, this.specs));
    this.points.set(key, fit.params);
    return [...fit.bands];
  }

  /**
   * Starts building a pair's table in the background (at start, for every instance's initial pair); a cached one is
   * read at once. Where a pool fits the table, the answer at `alpha` if it is an end of the pair (a desk's channels
   * start at α 0) is fitted there too, first in line, so the start snapshot waits for it (see settled) rather than
   * fitting on the thread that serves the faders; then both words of the pair, so that a move before the table is
   * built has a provisional answer at any alpha (see provisional).
   */
  prepare(termA: string, termB: string, alpha = 0): void {
    if (this.tables.has(pairKey(termA, termB))) return;
    this.build(termA, termB);
    if (!this.pool || this.tables.has(pairKey(termA, termB))) return;
    void this.settled(termA, termB, alpha);
    void this.settled(termA, termB, 0);
    void this.settled(termA, termB, 1);
  }

  ready(termA: string, termB: string): boolean {
    return this.tables.has(pairKey(termA, termB));
  }

  /**
   * A decoder that reads one fixed table of this layout (a flat EQ), for the rehearsal: it runs the same table read
   * and encoders as a built pair, without building, touching or waiting for any pair's table.
   */
  standIn(): BandDecoder<Band[]> {
    const flat = this.specs.flatMap((s) => {
      const q = qRangeOf(s);
      const mid = Math.sqrt(s.freq.min * s.freq.max);
      return s.fixedQ === null ? [0, mid, Math.min(q.max, Math.max(q.min, 1))] : [0, mid];
    });
    const t = layoutTable(this.specs, [
      { params: flat, maeDb: 0 },
      { params: flat, maeDb: 0 },
    ]);
    return { decode: (_a, _b, alpha) => readLayoutTable(t, alpha) };
  }

  /** The built table of a pair (benchmarks and tests read its fit errors). */
  fitted(termA: string, termB: string): LayoutTable | undefined {
    return this.tables.get(pairKey(termA, termB));
  }

  /** The scheduler's key of a pair's build (tests cancel it). */
  jobKey(termA: string, termB: string): string {
    return `fit ${this.id}\u0000${pairKey(termA, termB)}`;
  }

  private touch(termA: string, termB: string): void {
    this.scheduler.touch(this.jobKey(termA, termB));
    this.pool?.touch(this.jobKey(termA, termB));
    if (!this.source.ready(termA, termB)) this.source.touch(termA, termB);
  }

  private cacheKey(termA: string, termB: string) {
    return { model: this.opts.cache!.model, layout: this.layoutId, termA, termB };
  }

  private keep(termA: string, termB: string, table: LayoutTable, fromCache: boolean): void {
    const key = pairKey(termA, termB);
    this.tables.set(key, table);
    if (this.tables.size > MAX_PAIRS) this.tables.delete(this.tables.keys().next().value!);
    this.pending.delete(key);
    this.interim.delete(key);
    if (fromCache) this.counts.fromCache++;
    else {
      this.counts.built++;
      void this.opts.cache?.store.put(this.cacheKey(termA, termB), table);
    }
  }

  /** Queues the pair's table: fitted in the pool where there is one (unless `inThread`), else here in slices. */
  private build(termA: string, termB: string, inThread = false): void {
    const key = pairKey(termA, termB);
    if (this.pending.has(key)) return;
    const stored = this.opts.cache?.store.get(this.cacheKey(termA, termB));
    const cached = stored ? storedLayoutTable(this.specs, stored) : null;
    if (cached) return this.keep(termA, termB, cached, true);
    this.pending.add(key);
    // eqmorph's own table first (in the scheduler's slices); this job waits for it, then fits.
    this.source.request(termA, termB);
    let fits: Generator<void, FitResult[], void> | null = null;
    const pool = inThread ? null : this.pool;
    this.scheduler.add(this.jobKey(termA, termB), {
      waiting: () => this.source.building?.(termA, termB) ?? false,
      step: () => {
        if (!fits) {
          if (!this.source.ready(termA, termB)) {
            this.source.request(termA, termB);
            this.source.touch(termA, termB);
            return false;
          }
          const rows = this.sourceRows(termA, termB);
          if (pool) {
            pool.fit(this.jobKey(termA, termB), rows, this.specs).then(
              (r) => this.keep(termA, termB, layoutTableOf(this.specs, r.params, r.maeDb), false),
              () => {
                // A worker that died with it, or workers that cannot start: fitted here instead, in slices.
                this.pending.delete(key);
                this.build(termA, termB, true);
              },
            );
            return true;
          }
          fits = fitAlongPath(
            Array.from({ length: rows.length / PARAM_COUNT }, (_, i) => rows.subarray(i * PARAM_COUNT, (i + 1) * PARAM_COUNT)),
            this.specs,
          );
        }
        const next = fits.next();
        if (!next.done) return false;
        this.keep(termA, termB, layoutTable(this.specs, next.value), false);
        return true;
      },
    });
  }

  /** eqmorph's table of the pair, one row of physical parameters per sample, in one flat array (what a worker is sent). */
  private sourceRows(termA: string, termB: string): Float64Array {
    const t = this.source.table(termA, termB);
    const rows = new Float64Array(t.steps * PARAM_COUNT);
    for (let i = 0; i < t.steps; i++) rows.set(readPairTable(t, i / (t.steps - 1)), i * PARAM_COUNT);
    return rows;
  }
}
