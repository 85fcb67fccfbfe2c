// The XY pad's EQ: a bilinearly blended (Coons) patch over the four two-word paths along the pad's edges, read from their pair tables.

import { bandsToParams, paramsToBands, PARAMS, PARAM_COUNT, type EqSettings } from '../eq/bands.js';
import type { Corners } from './morph-state.js';
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

/**
 * Reads the pad from the pair tables of its edges. Each edge is read through `readPairTableSpace`, the read a two-word
 * fader makes before its exp, so whatever a pair's table holds (how it is built, how its alpha is parameterised) the pad's edges are
 * that path. Every pair table ends on the model's own settings for its words (path-shape.ts), so two edges that meet at a
 * corner agree there exactly and the patch is each edge's path exactly, all four. An edge whose table is not built
 * yet (a corner just changed) is decoded exactly, which starts its table in the background, so the first event after a
 * switch is answered at once. Allocation-free on the hot path.
 */
export class XyPatch {
  private readonly edges = Array.from({ length: 4 }, () => new Float64Array(PARAM_COUNT));
  private readonly out = new Float64Array(PARAM_COUNT);
  /** The last corner set's edge tables and corner values: a pad move changes x and y, rarely the corners. */
  private held: { readonly corners: Corners; readonly tables: readonly PairTable[]; readonly ends: readonly Float64Array[] } | null = null;

  constructor(private readonly source: EdgeSource) {}

  /** The pad's parameters at (x, y) in physical units (13, eqmorph's band order). */
  params(corners: Corners, x: number, y: number): Float64Array {
    const cx = x <= 0 ? 0 : x >= 1 ? 1 : x;
    const cy = y <= 0 ? 0 : y >= 1 ? 1 : y;
    const e = this.edges;
    const held = this.tablesFor(corners);
    let ends: readonly Float64Array[];
    if (held) {
      for (let k = 0; k < 4; k++) this.readTable(held.tables[k]!, k < 2 ? cx : cy, e[k]!);
      ends = held.ends;
    } else {
      const edges = padEdges(corners);
      for (let k = 0; k < 4; k++) this.readEdge(edges[k]!, k < 2 ? cx : cy, e[k]!);
      ends = [0, 1, 0, 1].map((t, k) => this.readEdge(edges[k < 2 ? 0 : 1]!, t, new Float64Array(PARAM_COUNT)));
    }
    coonsPoint(e[0]!, e[1]!, e[2]!, e[3]!, [ends[0]!, ends[1]!, ends[2]!, ends[3]!], cx, cy, this.out);
    for (let j = 0; j < PARAM_COUNT; j++) if (LOG[j]) this.out[j] = 2 ** this.out[j]!;
    return this.out;
  }

  decode(corners: Corners, x: number, y: number): EqSettings {
    return paramsToBands(this.params(corners, x, y));
  }

  /** The four edge tables of a corner set once all are built (kept while the corners stay), else null. */
  private tablesFor(corners: Corners): XyPatch['held'] {
    const h = this.held;
    if (h && (h.corners === corners || h.corners.every((t, i) => t === corners[i]))) return h;
    const edges = padEdges(corners);
    if (!edges.every(([a, b]) => this.source.ready(a, b))) return null;
    const tables = edges.map(([a, b]) => this.source.table(a, b));
    // Corners 1..4 are the bottom edge's ends and the top edge's ends.
    const ends = [0, 1, 0, 1].map((t, k) => this.readTable(tables[k < 2 ? 0 : 1]!, t, new Float64Array(PARAM_COUNT)));
    this.held = { corners, tables, ends };
    return this.held;
  }

  /** A built edge table at t, in interpolation space. */
  private readTable(table: PairTable, t: number, into: Float64Array): Float64Array {
    return readPairTableSpace(table, t, into);
  }

  /** An edge whose table may not be built yet: decoded exactly (which starts its table), in interpolation space. */
  private readEdge([a, b]: readonly [string, string], t: number, into: Float64Array): Float64Array {
    if (this.source.ready(a, b)) return this.readTable(this.source.table(a, b), t, into);
    into.set(bandsToParams(this.source.decode(a, b, t)));
    for (let j = 0; j < PARAM_COUNT; j++) if (LOG[j]) into[j] = Math.log2(into[j]!);
    return into;
  }
}
