// The XY pad's blend over an edge source made here (no model): straight edges give the bilinear blend of the corners,
// curved edges are followed exactly on the pad's sides, x and y are held to 0..1, an edge without a table is decoded
// exactly at the same points, and a corner set's tables are fetched once while the corners stay.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bandsToParams, PARAMS, PARAM_COUNT, paramsToBands, type EqSettings } from '../../src/eq/bands.js';
import type { Corners } from '../../src/morph/morph-state.js';
import { pairTable, type PairTable } from '../../src/morph/pair-table.js';
import { padEdges, XyPatch, type EdgeSource } from '../../src/morph/xy-patch.js';

const LOG = PARAMS.map((p) => p.kind !== 'gain');
/** Each word's settings (physical units), in its own part of every range. */
const WORDS: Record<string, number[]> = Object.fromEntries(
  ['a', 'b', 'c', 'd'].map((w, k) => [w, PARAMS.map((p) => (p.kind === 'gain' ? -9 + 6 * k : p.range.min * (p.range.max / p.range.min) ** (0.2 + 0.2 * k)))]),
);
const space = (p: readonly number[]) => p.map((v, j) => (LOG[j] ? Math.log2(v) : v));
const physical = (s: readonly number[]) => s.map((v, j) => (LOG[j] ? 2 ** v : v));
/** A two-word path in interpolation space: the straight line between the words plus a bump that vanishes at both ends. */
const path = (a: string, b: string, t: number, bump: number) => space(WORDS[a]!).map((v, j) => (1 - t) * v + t * space(WORDS[b]!)[j]! + bump * Math.sin(Math.PI * t) * ((j % 3) - 1));

/** An edge source whose pairs are `path` sampled 65 times (read back exactly at those samples), some of them built. */
function source(bump: number, built: (a: string, b: string) => boolean) {
  const calls = { table: [] as string[], decode: [] as [string, string, number][] };
  const tables = new Map<string, PairTable>();
  const src: EdgeSource = {
    ready: (a, b) => built(a, b),
    table: (a, b) => {
      calls.table.push(a + b);
      if (!tables.has(a + b)) tables.set(a + b, pairTable(a, b, Array.from({ length: 65 }, (_, i) => physical(path(a, b, i / 64, bump)))));
      return tables.get(a + b)!;
    },
    decode: (a, b, t): EqSettings => {
      calls.decode.push([a, b, t]);
      return paramsToBands(physical(path(a, b, t, bump)));
    },
  };
  return { src, calls };
}

const CORNERS: Corners = ['a', 'b', 'c', 'd'];
const unit = fc.integer({ min: 0, max: 64 }).map((i) => i / 64); // on the tables' samples, where a table read is exact
const near = (got: ArrayLike<number>, want: readonly number[], what: string) =>
  want.forEach((v, j) => assert.ok(Math.abs(Math.log2(got[j]! / v)) < 1e-9 || Math.abs(got[j]! - v) < 1e-9, `${what}: parameter ${j} is ${got[j]}, not ${v}`));

test('the pad edges run bottom 1→2, top 3→4, left 1→3, right 2→4', () => {
  assert.deepEqual(padEdges(CORNERS), [['a', 'b'], ['c', 'd'], ['a', 'c'], ['b', 'd']]);
});

test('over straight edges the pad is the bilinear blend of its corners (gain in dB, frequency and Q geometric)', () => {
  const { src } = source(0, () => true);
  const pad = new XyPatch(src);
  const [c1, c2, c3, c4] = CORNERS.map((w) => space(WORDS[w]!));
  fc.assert(
    fc.property(unit, unit, (x, y) => {
      const want = c1!.map((_, j) => (1 - x) * (1 - y) * c1![j]! + x * (1 - y) * c2![j]! + (1 - x) * y * c3![j]! + x * y * c4![j]!);
      near(pad.params(CORNERS, x, y), physical(want), `(${x}, ${y})`);
    }),
    { numRuns: 60 },
  );
});

test('over curved edges each side of the pad is its edge path, whether its tables and its grid are built or not', () => {
  const gridded = new XyPatch(source(2, () => true).src);
  gridded.prepare(CORNERS);
  assert.ok(gridded.ready(CORNERS));
  const pads = [() => true, () => false, (a: string, b: string) => a + b === 'ab' || a + b === 'bd'].map((built) => new XyPatch(source(2, built).src));
  for (const pad of [...pads, gridded]) {
    fc.assert(
      fc.property(unit, (t) => {
        near(pad.params(CORNERS, t, 0), physical(path('a', 'b', t, 2)), `bottom at ${t}`);
        near(pad.params(CORNERS, t, 1), physical(path('c', 'd', t, 2)), `top at ${t}`);
        near(pad.params(CORNERS, 0, t), physical(path('a', 'c', t, 2)), `left at ${t}`);
        near(pad.params(CORNERS, 1, t), physical(path('b', 'd', t, 2)), `right at ${t}`);
      }),
      { numRuns: 20 },
    );
  }
});

test('x and y outside 0..1 are read at the nearest side; decode gives the same settings as bands', () => {
  const pad = new XyPatch(source(2, () => true).src);
  for (const [x, y, cx, cy] of [[-0.5, 0.25, 0, 0.25], [1.5, 0.25, 1, 0.25], [0.75, -2, 0.75, 0], [0.75, 3, 0.75, 1], [-1, 2, 0, 1]] as const) {
    const inside = Array.from(pad.params(CORNERS, cx, cy));
    near(pad.params(CORNERS, x, y), inside, `(${x}, ${y})`);
  }
  near(bandsToParams(pad.decode(CORNERS, 0.3, 0.6)), Array.from(pad.params(CORNERS, 0.3, 0.6)), 'decode');
});

test('an edge without a table is decoded exactly at the coordinate asked, and its corners at 0 and 1; built edges are not decoded', () => {
  const { src, calls } = source(2, (a, b) => a + b !== 'ab'); // the bottom edge is not built
  const pad = new XyPatch(src);
  pad.params(CORNERS, 0.25, 0.5);
  assert.deepEqual(calls.decode, [['a', 'b', 0.25], ['a', 'b', 0], ['a', 'b', 1]]);
  const all = source(2, () => false);
  new XyPatch(all.src).params(CORNERS, 0.25, 0.5);
  assert.deepEqual(all.calls.decode, [['a', 'b', 0.25], ['c', 'd', 0.25], ['a', 'c', 0.5], ['b', 'd', 0.5], ['a', 'b', 0], ['a', 'b', 1], ['c', 'd', 0], ['c', 'd', 1]]);
});

test('a corner set whose tables are built is fetched once while the corners stay (a copy of them too), again when they change', () => {
  const { src, calls } = source(1, () => true);
  const pad = new XyPatch(src);
  pad.params(CORNERS, 0.1, 0.2);
  assert.deepEqual(calls.table, ['ab', 'cd', 'ac', 'bd']);
  pad.params(CORNERS, 0.6, 0.9);
  pad.params([...CORNERS] as unknown as Corners, 0.3, 0.3);
  assert.equal(calls.table.length, 4);
  const other: Corners = ['b', 'a', 'd', 'c'];
  near(pad.params(other, 0, 0), WORDS.b!, 'the new first corner');
  assert.deepEqual(calls.table.slice(4), ['ba', 'dc', 'bd', 'ac']);
  near(pad.params(CORNERS, 1, 1), WORDS.d!, 'back to the first set');
});

test('a grid is built only once all four edge tables are, and the least recently used grid is dropped past the limit', () => {
  const partly = new XyPatch(source(1, (a, b) => a + b !== 'cd').src);
  partly.prepare(CORNERS);
  assert.equal(partly.ready(CORNERS), false);
  const pad = new XyPatch(source(1, () => true).src, { maxGrids: 1 });
  const other: Corners = ['b', 'a', 'd', 'c'];
  pad.prepare(CORNERS);
  pad.prepare(other);
  assert.deepEqual([pad.ready(CORNERS), pad.ready(other)], [false, true]);
});
