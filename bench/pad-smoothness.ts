// Benchmark: how far one 0.01 move of the XY pad moves its sound, read from the corner set's grid and from the patch of
// the edges' parameters, on the same random moves over random corner sets; then a local search from the grid's worst.
// Run alone (minutes): node --import tsx bench/pad-smoothness.ts [--sets=N] [--steps=M] [--pool] [--seed=S]

import { loadavg } from 'node:os';
import fc from 'fast-check';
import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { seededRng } from '../src/data/random.js';
import { PARAM_COUNT, PARAMS } from '../src/eq/bands.js';
import { DEFAULT_GRID } from '../src/eq/grid.js';
import { maxAbsDiffDb, responseFromParams } from '../src/eq/response.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import type { Corners } from '../src/morph/morph-state.js';
import { padGrid, readPadGrid, type PadTables } from '../src/morph/pad-grid.js';
import { padEdges, XyPatch } from '../src/morph/xy-patch.js';

const LOG = PARAMS.map((p) => p.kind !== 'gain');

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Worst {
  step: number;
  corners: Corners;
  x: number;
  y: number;
  alongX: boolean;
}

export interface PadSmoothnessResult {
  readonly sets: number;
  readonly moves: number;
  /** The grid's pad: its largest step (dB), and how many moves stepped over 0.5 dB. */
  readonly grid: { readonly worst: Worst; readonly over: number };
  /** The patch of the edges' parameters (what the pad answers while its grid builds) on the same moves. */
  readonly patch: { readonly worst: Worst; readonly over: number };
  /** The grid's largest step after a local search from its worst move. */
  readonly searched: Worst;
  /** CPU ms per grid built (its edge tables built), median and largest. */
  readonly gridMs: { readonly median: number; readonly max: number };
  readonly load: readonly number[];
}

export async function benchPadSmoothness(opts: { sets: number; steps: number; pool?: boolean; seed?: number; log?: (line: string) => void }): Promise<PadSmoothnessResult> {
  const load = [loadavg()[0]!];
  await initBackend();
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  // The pad test's words (test/morph/xy-patch.test.ts), or the whole vocabulary.
  const picks = fc.sample(fc.shuffledSubarray(model.terms, { minLength: 10, maxLength: 10 }), { numRuns: 1, seed: 14 })[0]!;
  const words = opts.pool ? ['warm', 'bright', ...picks.filter((t) => t !== 'warm' && t !== 'bright')].slice(0, 12) : model.terms;
  const rnd = seededRng(opts.seed ?? 1);
  const decoder = new CachedDecoder(model, { maxPairs: 64 });
  const sides = [0, 1, 2, 3].map(() => new Float64Array(PARAM_COUNT));
  const out = new Float64Array(PARAM_COUNT);
  const gridMs: number[] = [];
  const none = (corners: Corners): Worst => ({ step: 0, corners, x: 0, y: 0, alongX: true });
  let grid = { worst: none(['', '', '', ''] as unknown as Corners), over: 0 };
  let patch = { worst: grid.worst, over: 0 };
  let moves = 0;
  const surfaces = (corners: Corners) => {
    for (const [a, b] of padEdges(corners)) decoder.prepare(a, b);
    const tables = padEdges(corners).map(([a, b]) => decoder.table(a, b)) as unknown as PadTables;
    const t0 = cpuMs();
    const g = padGrid(tables);
    gridMs.push(cpuMs() - t0);
    const parameters = new XyPatch(decoder);
    return {
      grid: (x: number, y: number) => {
        readPadGrid(g, tables, x, y, sides, out);
        for (let j = 0; j < PARAM_COUNT; j++) if (LOG[j]) out[j] = 2 ** out[j]!;
        return responseFromParams(out, DEFAULT_GRID);
      },
      patch: (x: number, y: number) => responseFromParams(parameters.params(corners, x, y), DEFAULT_GRID),
    };
  };
  const stepOf = (at: (x: number, y: number) => Float64Array, x: number, y: number, alongX: boolean) =>
    maxAbsDiffDb(at(x, y), alongX ? at(Math.min(1, x + 0.01), y) : at(x, Math.min(1, y + 0.01)));
  for (let k = 0; k < opts.sets; k++) {
    const corners = [0, 1, 2, 3].map(() => words[Math.floor(rnd() * words.length)]!) as unknown as Corners;
    const at = surfaces(corners);
    for (let i = 0; i < opts.steps; i++) {
      const x = Math.floor(rnd() * 1001) / 1000;
      const y = Math.floor(rnd() * 1001) / 1000;
      const alongX = rnd() < 0.5;
      const g = stepOf(at.grid, x, y, alongX);
      const p = stepOf(at.patch, x, y, alongX);
      if (g > 0.5) grid.over++;
      if (p > 0.5) patch.over++;
      if (g > grid.worst.step) grid = { ...grid, worst: { step: g, corners, x, y, alongX } };
      if (p > patch.worst.step) patch = { ...patch, worst: { step: p, corners, x, y, alongX } };
      moves++;
    }
    if ((k + 1) % 25 === 0) opts.log?.(`${k + 1} corner sets, ${moves} moves: grid ${grid.worst.step.toFixed(3)} dB, patch ${patch.worst.step.toFixed(3)} dB`);
  }
  // From the grid's worst move, moves of the point shrinking from 0.02, kept while they grow the step.
  const at = surfaces(grid.worst.corners).grid;
  let searched = { ...grid.worst };
  for (let h = 0.02; h > 1e-4; h /= 2) {
    for (let moved = true; moved; ) {
      moved = false;
      for (const [dx, dy] of [[h, 0], [-h, 0], [0, h], [0, -h], [h, h], [-h, -h], [h, -h], [-h, h]] as const) {
        const x = Math.min(1, Math.max(0, searched.x + dx));
        const y = Math.min(1, Math.max(0, searched.y + dy));
        for (const alongX of [true, false]) {
          const step = stepOf(at, x, y, alongX);
          if (step > searched.step) [searched, moved] = [{ ...searched, step, x, y, alongX }, true];
        }
      }
    }
  }
  const sorted = gridMs.slice().sort((a, b) => a - b);
  load.push(loadavg()[0]!);
  return { sets: opts.sets, moves, grid, patch, searched, gridMs: { median: sorted[sorted.length >> 1]!, max: sorted[sorted.length - 1]! }, load };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const r = await benchPadSmoothness({ sets: arg('sets', 100), steps: arg('steps', 2000), pool: process.argv.includes('--pool'), seed: arg('seed', 1), log: (l) => process.stderr.write(`${l}\n`) });
  const where = (w: Worst) => `${w.step.toFixed(3)} dB (${w.corners.join(', ')} at ${w.x.toFixed(4)}, ${w.y.toFixed(4)} along ${w.alongX ? 'x' : 'y'})`;
  process.stdout.write(
    [
      `${r.moves} random 0.01 moves over ${r.sets} corner sets`,
      `grid:  largest ${where(r.grid.worst)}; over 0.5 dB: ${r.grid.over}; after a local search ${where(r.searched)}`,
      `patch: largest ${where(r.patch.worst)}; over 0.5 dB: ${r.patch.over}`,
      `grid build: ${r.gridMs.median.toFixed(0)} ms of CPU (median), ${r.gridMs.max.toFixed(0)} ms at most`,
      `load average ${r.load.map((x) => x.toFixed(1)).join(' -> ')}`,
    ].join('\n') + '\n',
  );
}
