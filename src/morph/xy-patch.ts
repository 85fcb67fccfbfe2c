// The XY pad's EQ over four corner words: its edges are the two-word paths between them, its interior a grid of fits to the blend of the edges' sounds.

import { bandsToParams, paramsToBands, PARAMS, PARAM_COUNT, type EqSettings } from '../eq/bands.js';
import type { Corners } from './morph-state.js';
import type { BuildScheduler } from './build-scheduler.js';
import { padGrid, padGridSteps, readPadGrid, type PadGrid, type PadTables } from './pad-grid.js';
import { readPairTableSpace, type PairTable } from './pair-table.js';

/**
 * The blend at (x, y) of four edge curves, all in the same interpolation space (gain dB, log2 freq, log2 Q for the
 * pair tables): `bottom` runs from corner 1 to 2 at x, `top` from 3 to 4 at x, `left` from 1 to 3 at y, `right` from
 * 2 to 4 at y, and c1..c4 are the corners. The Coons patch
 *   S(x,y) = (1−y)·bottom + y·top + (1−x)·left + x·right − [(1−x)(1−y)c1 + x(1−y)c2 + (1−x)y·c3 + xy·c4]
 * equals each edge curve exactly on its edge (where the edge curves meet at the corners), moves linearly between
 * opposite edges and costs a few multiply-adds per parameter. Writes into `out`; pure.
 */
export function coonsPoint(
  bottom: ArrayLike<number>,
  top: ArrayLike<number>,
  left: ArrayLike<number>,
  right: ArrayLike<number>,
  corners: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>],
  x: number,
  y: number,
  out: Float64Array,
): Float64Array {
  const [c1, c2, c3, c4] = corners;
  const w1 = (1 - x) * (1 - y);
  const w2 = x * (1 - y);
  const w3 = (1 - x) * y;
  const w4 = x * y;
  for (let j = 0; j < out.length; j++) {
    const ruled = (1 - y) * bottom[j]! + y * top[j]! + (1 - x) * left[j]! + x * right[j]!;
    out[j] = ruled - (w1 * c1[j]! + w2 * c2[j]! + w3 * c3[j]! + w4 * c4[j]!);
  }
  return out;
}

/** Which parameters the pair tables interpolate in log2 (frequency and Q). */
const LOG = PARAMS.map((p) => p.kind !== 'gain');

/** What the pad needs of eqmorph's decoder: a pair's table when built, and an exact decode that starts building it otherwise. */
export interface EdgeSource {
  ready(termA: string, termB: string): boolean;
  table(termA: string, termB: string): PairTable;
  decode(termA: string, termB: string, alpha: number): EqSettings;
}

/** The pad's four edges as term pairs, each in the direction its coordinate grows: bottom 1→2, top 3→4, left 1→3, right 2→4. */
export function padEdges(c: Corners): readonly [readonly [string, string], readonly [string, string], readonly [string, string], readonly [string, string]] {
  return [
    [c[0], c[1]],
    [c[2], c[3]],
    [c[0], c[2]],
    [c[1], c[3]],
  ];
}

/** Corner sets whose grids are kept (about 13 kB each): a performer changes corners rarely, and often back. */
const MAX_GRIDS = 8;

/**
 * How far the pad travels (Euclidean, in pad units) while a grid that arrived mid-gesture takes over from the parameter
 * patch. The two differ by up to a few dB inside the pad (docs/model.md): faded in over 0.2 of travel, the largest such
 * difference measured (7.5 dB) adds at most 0.375 dB to a 0.01 move, and a typical one (1.8 dB) 0.09 dB.
 */
export const GRID_FADE_TRAVEL = 0.2;

/** A grid that arrived while its pad was played: where the pad was last read, and how far it has moved since. */
interface GridFade {
  x: number;
  y: number;
  travelled: number;
}

/** A corner set's grid, null until its background build is done; `failed`: its build threw, so the pad stays the parameter patch. */
interface PadEntry {
  readonly job: string;
  grid: PadGrid | null;
  failed: boolean;
  used: number;
  /** The last position the parameter patch answered for this set while it was the one played (NaN: none since it was picked). */
  lastX: number;
  lastY: number;
  /** Set when the grid arrives after such an answer, cleared once the pad has travelled GRID_FADE_TRAVEL. */
  fade: GridFade | null;
}

export interface XyPatchOptions {
  /** Where a corner set's grid is built in the background (see pad-grid.ts); without one the pad is the parameter patch alone. */
  readonly scheduler?: BuildScheduler;
  /** Corner sets whose grids are kept (default MAX_GRIDS). */
  readonly maxGrids?: number;
}

const cornersKey = (c: Corners) => c.join('\u0000');

/** A corner set's grid is built: if the patch answered for the set since it was picked, the grid fades in from there. */
function arrived(entry: PadEntry, grid: PadGrid): void {
  entry.grid = grid;
  entry.fade = Number.isNaN(entry.lastX) ? null : { x: entry.lastX, y: entry.lastY, travelled: 0 };
}

/**
 * Reads the pad from the pair tables of its edges. Each edge is read through `readPairTableSpace`, the read a two-word
 * fader makes before its exp, so whatever a pair's table holds (how it is built, how its alpha is parameterised) the
 * pad's edges are that path. Every pair table ends on the model's own settings for its words (path-shape.ts), so two
 * edges that meet at a corner agree there exactly. Once a corner set's four tables are built, its interior grid is
 * built in the background (pad-grid.ts) and the pad is read from it; until then the pad is the Coons patch of the
 * edges' parameters, which is each edge's path exactly, all four, but which between edges can blend bands into a
 * sound none of the edges has; a grid that arrives while the pad is played fades in along the pad's travel. An edge
 * whose table is not built yet (a corner just changed) is decoded exactly, which starts its table in the background,
 * so the first event after a switch is answered at once. Allocation-free on the hot path.
 */
export class XyPatch {
  private readonly edges = Array.from({ length: 4 }, () => new Float64Array(PARAM_COUNT));
  private readonly out = new Float64Array(PARAM_COUNT);
  /** The patch while a grid fades in. */
  private readonly faded = new Float64Array(PARAM_COUNT);
  /** The last corner set's edge tables, corner values and grid: a pad move changes x and y, rarely the corners. */
  private held: { readonly corners: Corners; readonly tables: PadTables; readonly ends: readonly Float64Array[]; readonly entry: PadEntry } | null = null;
  /** Grids by corner set, the least recently used dropped past MAX_GRIDS. */
  private readonly grids = new Map<string, PadEntry>();
  private uses = 0;

  constructor(
    private readonly source: EdgeSource,
    private readonly opts: XyPatchOptions = {},
  ) {}

  /** The pad's parameters at (x, y) in physical units (13, eqmorph's band order). */
  params(corners: Corners, x: number, y: number): Float64Array {
    const cx = x <= 0 ? 0 : x >= 1 ? 1 : x;
    const cy = y <= 0 ? 0 : y >= 1 ? 1 : y;
    const e = this.edges;
    const held = this.tablesFor(corners);
    if (held?.entry.grid) {
      readPadGrid(held.entry.grid, held.tables, cx, cy, e, this.out);
      if (held.entry.fade) this.fadeIn(held, cx, cy);
      return this.physical();
    }
    if (held) {
      this.build(held.entry, held.tables);
      held.entry.lastX = cx;
      held.entry.lastY = cy;
      this.patch(held, cx, cy, this.out);
      return this.physical();
    }
    const edges = padEdges(corners);
    for (let k = 0; k < 4; k++) this.readEdge(edges[k]!, k < 2 ? cx : cy, e[k]!);
    const ends = [0, 1, 0, 1].map((t, k) => this.readEdge(edges[k < 2 ? 0 : 1]!, t, new Float64Array(PARAM_COUNT)));
    coonsPoint(e[0]!, e[1]!, e[2]!, e[3]!, [ends[0]!, ends[1]!, ends[2]!, ends[3]!], cx, cy, this.out);
    return this.physical();
  }

  decode(corners: Corners, x: number, y: number): EqSettings {
    return paramsToBands(this.params(corners, x, y));
  }

  /** Builds a corner set's grid now if its four edge tables are built (tests, the CLI); a queued build of it is dropped. */
  prepare(corners: Corners): void {
    const held = this.tablesFor(corners);
    if (!held || held.entry.grid) return;
    this.opts.scheduler?.cancel(held.entry.job);
    arrived(held.entry, padGrid(held.tables));
  }

  /** True once the corner set's grid is built. */
  ready(corners: Corners): boolean {
    return !!this.grids.get(cornersKey(corners))?.grid;
  }

  /** The scheduler's key of a corner set's grid build. */
  jobKey(corners: Corners): string {
    return `pad\u0000${cornersKey(corners)}`;
  }

  /** The parameter patch of a held corner set's edge tables at (cx, cy), in interpolation space. */
  private patch(held: NonNullable<XyPatch['held']>, cx: number, cy: number, into: Float64Array): Float64Array {
    const e = this.edges;
    for (let k = 0; k < 4; k++) readPairTableSpace(held.tables[k]!, k < 2 ? cx : cy, e[k]!);
    const [c1, c2, c3, c4] = held.ends;
    return coonsPoint(e[0]!, e[1]!, e[2]!, e[3]!, [c1!, c2!, c3!, c4!], cx, cy, into);
  }

  /**
   * A grid that arrived while the pad was played takes over along the pad's travel, not at once: the answer (the grid's,
   * in `out`) is moved back toward the patch the pad played until then, all the way at the point last played, not at
   * all once the pad has travelled GRID_FADE_TRAVEL. A pad held still keeps its sound.
   */
  private fadeIn(held: NonNullable<XyPatch['held']>, cx: number, cy: number): void {
    const fade = held.entry.fade!;
    fade.travelled += Math.hypot(cx - fade.x, cy - fade.y);
    fade.x = cx;
    fade.y = cy;
    const w = fade.travelled / GRID_FADE_TRAVEL;
    if (w >= 1) {
      held.entry.fade = null;
      return;
    }
    const p = this.patch(held, cx, cy, this.faded);
    for (let j = 0; j < PARAM_COUNT; j++) this.out[j] = p[j]! + w * (this.out[j]! - p[j]!);
  }

  private physical(): Float64Array {
    for (let j = 0; j < PARAM_COUNT; j++) if (LOG[j]) this.out[j] = 2 ** this.out[j]!;
    return this.out;
  }

  /** Queues the grid's build (one fit per slice), or puts a queued one first in line: a performer is on this pad. */
  private build(entry: PadEntry, tables: PadTables): void {
    const scheduler = this.opts.scheduler;
    if (!scheduler || entry.failed) return;
    if (scheduler.has(entry.job)) return scheduler.touch(entry.job);
    let steps: Generator<void, PadGrid, void> | null = null;
    scheduler.add(entry.job, {
      step: () => {
        try {
          steps ??= padGridSteps(tables);
          const next = steps.next();
          if (next.done) arrived(entry, next.value);
          return next.done === true;
        } catch {
          entry.failed = true;
          return true;
        }
      },
    });
    scheduler.touch(entry.job);
  }

  /** The four edge tables of a corner set once all are built (kept while the corners stay), else null. */
  private tablesFor(corners: Corners): XyPatch['held'] {
    const h = this.held;
    if (h && (h.corners === corners || h.corners.every((t, i) => t === corners[i]))) return h;
    const edges = padEdges(corners);
    if (!edges.every(([a, b]) => this.source.ready(a, b))) return null;
    const tables = edges.map(([a, b]) => this.source.table(a, b)) as unknown as PadTables;
    // Corners 1..4 are the bottom edge's ends and the top edge's ends.
    const ends = [0, 1, 0, 1].map((t, k) => readPairTableSpace(tables[k < 2 ? 0 : 1], t, new Float64Array(PARAM_COUNT)));
    const entry = this.entryFor(corners);
    // Picking corners changes the sound at once anyway: a grid built meanwhile is read as it is, and one that arrives
    // later fades in from where this set is first played.
    entry.lastX = entry.lastY = NaN;
    entry.fade = null;
    this.held = { corners, tables, ends, entry };
    return this.held;
  }

  /** The corner set's grid entry, made if new (the least recently used one dropped, with its build if unfinished). */
  private entryFor(corners: Corners): PadEntry {
    const key = cornersKey(corners);
    const hit = this.grids.get(key);
    if (hit) {
      hit.used = ++this.uses;
      return hit;
    }
    if (this.grids.size >= (this.opts.maxGrids ?? MAX_GRIDS)) {
      let oldest: [string, PadEntry] | undefined;
      for (const kv of this.grids) if (!oldest || kv[1].used < oldest[1].used) oldest = kv;
      this.grids.delete(oldest![0]);
      this.opts.scheduler?.cancel(oldest![1].job);
    }
    const entry: PadEntry = { job: this.jobKey(corners), grid: null, failed: false, used: ++this.uses, lastX: NaN, lastY: NaN, fade: null };
    this.grids.set(key, entry);
    return entry;
  }

  /** An edge whose table may not be built yet: decoded exactly (which starts its table), in interpolation space. */
  private readEdge([a, b]: readonly [string, string], t: number, into: Float64Array): Float64Array {
    if (this.source.ready(a, b)) return readPairTableSpace(this.source.table(a, b), t, into);
    into.set(bandsToParams(this.source.decode(a, b, t)));
    for (let j = 0; j < PARAM_COUNT; j++) if (LOG[j]) into[j] = Math.log2(into[j]!);
    return into;
  }
}
