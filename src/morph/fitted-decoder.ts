// The decode path for a target with its own band layout: eqmorph's pair tables refitted to that layout, built in the background.

import { bandsToParams, type Band, type BandSpec, type EqSettings } from '../eq/bands.js';
import type { PairTable } from './pair-table.js';
import { readPairTable } from './pair-table.js';
import { fitAlongPath, fitLayoutSample, layoutTable, readLayoutTable, seedFromSource, type LayoutTable } from './layout-path.js';
import type { FitResult } from '../eq/fit.js';
import type { Corners } from './morph-state.js';

/** What the fitted decoder needs of eqmorph's own decoder (CachedDecoder has it). */
export interface PairTableSource {
  readonly steps: number;
  ready(termA: string, termB: string): boolean;
  table(termA: string, termB: string): PairTable;
  decode(termA: string, termB: string, alpha: number): EqSettings;
  decodeXY(corners: Corners, x: number, y: number): EqSettings;
  decodeMap(x: number, y: number): EqSettings;
}

/** Warm-started fits per event-loop turn while a table builds: about 1 ms each, so a fader event waits a few ms at most. */
const FITS_PER_TURN = 2;
/** Fitted pairs kept at once. */
const MAX_PAIRS = 64;

const pairKey = (termA: string, termB: string) => `${termA}\u0000${termB}`;

/**
 * Answers decode(termA, termB, alpha) with the target's own bands. Per pair, every α sample of eqmorph's pair table is
 * fitted once, each from its neighbour (see layout-path.ts), and events interpolate between samples, so the hot path
 * costs what the 5-band path costs plus a table read. Until a pair's table is built, an event is answered by one
 * warm-started fit from the pair's previous answer (or from eqmorph's own bands), which keeps a fader's moves continuous
 * while the table builds.
 */
export class FittedDecoder {
  private readonly tables = new Map<string, LayoutTable>();
  private readonly pending = new Set<string>();
  /** The last interim answer per pair (layout parameters), the warm start of the next one. */
  private readonly interim = new Map<string, number[]>();

  constructor(
    private readonly source: PairTableSource,
    readonly specs: readonly BandSpec[],
  ) {}

  decode(termA: string, termB: string, alpha: number): Band[] {
    const key = pairKey(termA, termB);
    const hit = this.tables.get(key);
    if (hit) return readLayoutTable(hit, alpha);
    this.build(termA, termB);
    const row = bandsToParams(this.source.decode(termA, termB, alpha));
    const fit = fitLayoutSample(row, this.specs, this.interim.get(key) ?? seedFromSource(row, this.specs));
    this.interim.set(key, fit.params);
    return [...fit.bands];
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
    const fit = fitLayoutSample(row, this.specs, this.interim.get(key) ?? seedFromSource(row, this.specs));
    this.interim.set(key, fit.params);
    return [...fit.bands];
  }

  /** Starts building a pair's table in the background (at start, for every instance's initial pair). */
  prepare(termA: string, termB: string): void {
    if (!this.tables.has(pairKey(termA, termB))) this.build(termA, termB);
  }

  ready(termA: string, termB: string): boolean {
    return this.tables.has(pairKey(termA, termB));
  }

  /** The built table of a pair (benchmarks and tests read its fit errors). */
  fitted(termA: string, termB: string): LayoutTable | undefined {
    return this.tables.get(pairKey(termA, termB));
  }

  private build(termA: string, termB: string): void {
    const key = pairKey(termA, termB);
    if (this.pending.has(key)) return;
    this.pending.add(key);
    let fits: Generator<void, FitResult[], void> | null = null;
    const step = () => {
      if (!fits) {
        // eqmorph's own table builds in its background first; asking for a decode starts it, without blocking.
        if (!this.source.ready(termA, termB)) {
          this.source.decode(termA, termB, 0);
          return void setImmediate(step);
        }
        const t = this.source.table(termA, termB);
        const rows = Array.from({ length: t.steps }, (_, i) => Array.from(readPairTable(t, i / (t.steps - 1))));
        fits = fitAlongPath(rows, this.specs);
      }
      for (let i = 0; i < FITS_PER_TURN; i++) {
        const next = fits.next();
        if (next.done) {
          this.tables.set(key, layoutTable(this.specs, next.value));
          if (this.tables.size > MAX_PAIRS) this.tables.delete(this.tables.keys().next().value!);
          this.pending.delete(key);
          this.interim.delete(key);
          return;
        }
      }
      setImmediate(step);
    };
    setImmediate(step);
  }
}
