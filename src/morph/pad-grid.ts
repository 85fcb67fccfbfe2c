// The XY pad's interior for one corner set: a grid of 5-band fits to the Coons patch of its edges' responses, read per event as a Coons patch per cell; pure.

import { PARAMS, PARAM_COUNT } from '../eq/bands.js';
import { refineFit } from '../eq/fit.js';
import { logGrid } from '../eq/grid.js';
import { responseFromParams } from '../eq/response.js';
import { readPairTableSpace, type PairTable } from './pair-table.js';
import { runToEnd } from './build-scheduler.js';

/** Cells per side: 0.1 of the pad each, so a 0.01 move crosses a tenth of a cell. */
export const PAD_GRID_CELLS = 10;
/** Responses are compared on 64 log-spaced points (a tenth of an octave apart), as the pair tables' fits are (path-shape.ts). */
const GRID: Float64Array = logGrid(64);
/** The first fit of each node: from today's parameter patch moved by its neighbours' corrections, pulled toward that start (path-shape's chain pull). */
const MARCH = { iterations: 12, pull: 2 } as const;
/**
 * Then every node is fitted again, in RELAX.sweeps sweeps of alternating direction, started from the mean of its four
 * neighbours and pulled toward it: a node fitted alone can settle in another arrangement of bands than its neighbours
 * (the same sound by other settings: two bands parked as a cancelling pair on one node, at work on the next), and a
 * cell between the two blends them through sounds none of them has. The pull is strong (a tenth of an octave from the
 * neighbours' mean costs as much as 0.06 dB RMS of error over the 64 points): the sweeps trade a little of the blend's
 * accuracy for neighbours that differ little. Two sweeps at pull 8 left 0.66 dB per 0.01 over warm, warm, uniforme,
 * raspy; these 0.34 dB at most over the twelve steepest corner sets found (docs/model.md).
 */
const RELAX = { iterations: 6, pull: 50, sweeps: 4 } as const;

const LOG = PARAMS.map((p) => p.kind !== 'gain');

/** The four edge tables of a corner set, as padEdges orders them: bottom 1→2, top 3→4, left 1→3, right 2→4. */
export type PadTables = readonly [PairTable, PairTable, PairTable, PairTable];

/** (cells + 1)² nodes of 13 parameters in interpolation space (gain dB, log2 freq and Q), row by row from y 0, x growing. */
export interface PadGrid {
  readonly cells: number;
  readonly values: Float64Array;
}

const toPhysical = (s: ArrayLike<number>): number[] => Array.from({ length: PARAM_COUNT }, (_, j) => (LOG[j] ? 2 ** s[j]! : s[j]!));

/**
 * The Coons patch of four edge curves sampled at the nodes' coordinates (b, t along x at i; l, r along y at j) at node
 * (i, j) of an n-cell grid, into `out`: what coonsPoint computes, over sampled curves.
 */
function coonsNode(b: readonly ArrayLike<number>[], t: readonly ArrayLike<number>[], l: readonly ArrayLike<number>[], r: readonly ArrayLike<number>[], i: number, j: number, n: number, out: Float64Array): Float64Array {
  const x = i / n;
  const y = j / n;
  for (let k = 0; k < out.length; k++) {
    const ruled = (1 - y) * b[i]![k]! + y * t[i]![k]! + (1 - x) * l[j]![k]! + x * r[j]![k]!;
    out[k] = ruled - ((1 - x) * (1 - y) * b[0]![k]! + x * (1 - y) * b[n]![k]! + (1 - x) * y * t[0]![k]! + x * y * t[n]![k]!);
  }
  return out;
}

/**
 * Builds a corner set's grid from its edge tables, yielding after each fit so a background build spreads it over
 * slices of work. The boundary nodes are the edge tables' reads, exactly. Every inner node is the 5-band fit to the
 * Coons patch of the four edges' *responses* there: a blend of sounds, which cannot make a feature none of the edges
 * has, as the same blend of their parameters can (a pair of opposite bands that cancel on one edge, blended band by
 * band with another edge's bands, no longer cancels). The fits march in from the edges ring by ring, each started
 * from the parameter patch there (which meets every edge's own arrangement of bands) moved by the corrections its
 * fitted neighbours needed, so neighbouring nodes stay close in parameter space, which is what makes reading between
 * them safe; RELAX then evens out what the march left uneven.
 */
export function* padGridSteps(tables: PadTables, cells = PAD_GRID_CELLS): Generator<void, PadGrid, void> {
  const n = cells;
  const side = n + 1;
  const values = new Float64Array(side * side * PARAM_COUNT);
  const at = (i: number, j: number) => values.subarray((j * side + i) * PARAM_COUNT, (j * side + i + 1) * PARAM_COUNT);
  const [bottom, top, left, right] = tables;
  for (let i = 0; i <= n; i++) {
    readPairTableSpace(bottom, i / n, at(i, 0));
    readPairTableSpace(top, i / n, at(i, n));
    readPairTableSpace(left, i / n, at(0, i));
    readPairTableSpace(right, i / n, at(n, i));
  }
  const along = (f: (k: number) => Float64Array) => Array.from({ length: side }, (_, k) => f(k));
  const edges = [along((i) => at(i, 0)), along((i) => at(i, n)), along((j) => at(0, j)), along((j) => at(n, j))].map((e) => e.map((v) => v.slice()));
  const sounds = edges.map((e) => e.map((v) => responseFromParams(toPhysical(v), GRID)));
  const patch = (i: number, j: number) => coonsNode(edges[0]!, edges[1]!, edges[2]!, edges[3]!, i, j, n, new Float64Array(PARAM_COUNT));
  const target = (i: number, j: number) => coonsNode(sounds[0]!, sounds[1]!, sounds[2]!, sounds[3]!, i, j, n, new Float64Array(GRID.length));
  const fit = (i: number, j: number, start: ArrayLike<number>, { iterations, pull }: { iterations: number; pull: number }) => {
    const params = refineFit(target(i, j), GRID, toPhysical(start), iterations, pull).params;
    const node = at(i, j);
    for (let k = 0; k < PARAM_COUNT; k++) node[k] = LOG[k] ? Math.log2(params[k]!) : params[k]!;
  };
  yield;

  const fitted = new Uint8Array(side * side);
  for (let k = 0; k <= n; k++) fitted[k] = fitted[n * side + k] = fitted[k * side] = fitted[k * side + n] = 1;
  const start = new Float64Array(PARAM_COUNT);
  for (let ring = 1; 2 * ring <= n; ring++) {
    for (let j = ring; j <= n - ring; j++) {
      for (let i = ring; i <= n - ring; i++) {
        if (Math.min(i, j, n - i, n - j) !== ring) continue;
        start.set(patch(i, j));
        let count = 0;
        const correction = new Float64Array(PARAM_COUNT);
        for (const [a, b] of [[i - 1, j], [i + 1, j], [i, j - 1], [i, j + 1]] as const) {
          if (!fitted[b * side + a]) continue;
          const there = patch(a, b);
          const node = at(a, b);
          for (let k = 0; k < PARAM_COUNT; k++) correction[k]! += node[k]! - there[k]!;
          count++;
        }
        for (let k = 0; k < PARAM_COUNT; k++) start[k]! += correction[k]! / count;
        fit(i, j, start, MARCH);
        fitted[j * side + i] = 1;
        yield;
      }
    }
  }

  for (let sweep = 0; sweep < RELAX.sweeps; sweep++) {
    for (let jj = 1; jj < n; jj++) {
      for (let ii = 1; ii < n; ii++) {
        const [i, j] = sweep % 2 === 0 ? [ii, jj] : [n - ii, n - jj];
        const [w, e, s, o] = [at(i - 1, j), at(i + 1, j), at(i, j - 1), at(i, j + 1)];
        for (let k = 0; k < PARAM_COUNT; k++) start[k] = (w[k]! + e[k]! + s[k]! + o[k]!) / 4;
        fit(i, j, start, RELAX);
        yield;
      }
    }
  }
  return { cells: n, values };
}

/** The whole grid at once (tests, the CLI). */
export function padGrid(tables: PadTables, cells = PAD_GRID_CELLS): PadGrid {
  return runToEnd(padGridSteps(tables, cells));
}

/**
 * The pad at (x, y) in 0..1 from its grid, in interpolation space, into `out`: the Coons patch of the cell around the
 * point, whose sides are straight between nodes inside the pad and the edge tables' own reads on the pad's boundary,
 * so each edge of the pad is its two-word path exactly and neighbouring cells share their sides. `sides` are four
 * scratch rows. Allocation-free: two table reads at most and a few multiply-adds per parameter.
 */
export function readPadGrid(grid: PadGrid, tables: PadTables, x: number, y: number, sides: readonly Float64Array[], out: Float64Array): Float64Array {
  const n = grid.cells;
  const v = grid.values;
  const gx = x * n;
  const gy = y * n;
  const i = Math.min(Math.floor(gx), n - 1);
  const j = Math.min(Math.floor(gy), n - 1);
  const u = gx - i;
  const w = gy - j;
  const a = (j * (n + 1) + i) * PARAM_COUNT;
  const b = a + PARAM_COUNT;
  const c = a + (n + 1) * PARAM_COUNT;
  const d = c + PARAM_COUNT;
  const onBottom = j === 0;
  const onTop = j === n - 1;
  const onLeft = i === 0;
  const onRight = i === n - 1;
  const sb = sides[0]!;
  const st = sides[1]!;
  const sl = sides[2]!;
  const sr = sides[3]!;
  if (onBottom) readPairTableSpace(tables[0], x, sb);
  if (onTop) readPairTableSpace(tables[1], x, st);
  if (onLeft) readPairTableSpace(tables[2], y, sl);
  if (onRight) readPairTableSpace(tables[3], y, sr);
  for (let k = 0; k < PARAM_COUNT; k++) {
    const va = v[a + k]!;
    const vb = v[b + k]!;
    const vc = v[c + k]!;
    const vd = v[d + k]!;
    const lower = onBottom ? sb[k]! : va + u * (vb - va);
    const upper = onTop ? st[k]! : vc + u * (vd - vc);
    const west = onLeft ? sl[k]! : va + w * (vc - va);
    const east = onRight ? sr[k]! : vb + w * (vd - vb);
    const ruled = (1 - w) * lower + w * upper + (1 - u) * west + u * east;
    out[k] = ruled - ((1 - u) * (1 - w) * va + u * (1 - w) * vb + (1 - u) * w * vc + u * w * vd);
  }
  return out;
}
