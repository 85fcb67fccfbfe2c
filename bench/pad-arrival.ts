// Benchmark: an XY pad played while its corner set's grid is built. For random corner sets and a random starting point,
// the pad is read once from the patch of its edges, the grid is built, and the pad moves on 0.01 at a time in a
// straight line (bouncing off the pad's edges). Reports the jump the grid would make if read at once, the largest 0.01
// step of each walk as eqmorph plays it (the grid fading in), and the built grid's own largest step on the same moves.
// Run alone (about a second per set): node --import tsx bench/pad-arrival.ts [--sets=N] [--moves=M] [--seed=S]

import { loadavg } from 'node:os';
import fc from 'fast-check';
import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { DEFAULT_GRID } from '../src/eq/grid.js';
import { maxAbsDiffDb, responseDb } from '../src/eq/response.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { BuildScheduler } from '../src/morph/build-scheduler.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import type { Corners } from '../src/morph/morph-state.js';
import { padEdges } from '../src/morph/xy-patch.js';

const USAGE = 'usage: node --import tsx bench/pad-arrival.ts [--sets=N] [--moves=M] [--seed=S]   (defaults 60, 30, 3)\n';
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const bad = args.find((a) => !/^--(sets|moves|seed)=\d+$/.test(a));
if (bad) {
  process.stderr.write(`bench/pad-arrival.ts: unknown argument ${JSON.stringify(bad)}\n${USAGE}`);
  process.exit(2);
}
const arg = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const [sets, moves, seed] = [arg('sets', 60), arg('moves', 30), arg('seed', 3)];

const quantile = (v: readonly number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(p * v.length))]!;
const summary = (v: readonly number[]) => `median ${quantile(v, 0.5).toFixed(2)}, p90 ${quantile(v, 0.9).toFixed(2)}, max ${Math.max(...v).toFixed(2)} dB`;

await initBackend();
const model = await EqModel.load(DEFAULT_MODEL_DIR);
const word = fc.constantFrom(...model.terms);
const cornerSets = fc.sample(fc.tuple(word, word, word, word), { numRuns: sets, seed }) as unknown as Corners[];
const unit = fc.double({ min: 0.05, max: 0.95, noNaN: true });
const starts = fc.sample(fc.tuple(unit, unit, fc.double({ min: 0, max: 2 * Math.PI, noNaN: true })), { numRuns: sets, seed: seed + 1 });

const jumps: number[] = [];
const played: number[] = [];
const built: number[] = [];
cornerSets.forEach((corners, k) => {
  // The pad as the bridge plays it: its grid built in a scheduler whose turns run when this bench says so.
  const turns: (() => void)[] = [];
  const pad = new CachedDecoder(model, { scheduler: new BuildScheduler({ now: () => 0, defer: (fn) => void turns.push(fn) }), maxPairs: 8 });
  for (const [a, b] of padEdges(corners)) pad.prepare(a, b);
  // The same corner set with its grid built before the first read.
  const grid = new CachedDecoder(model, { maxPairs: 8 });
  grid.preparePad(corners);
  let [x, y, heading] = starts[k]!;
  let last = responseDb(pad.decodeXY(corners, x, y), DEFAULT_GRID);
  while (turns.length > 0) turns.shift()!();
  let lastGrid = responseDb(grid.decodeXY(corners, x, y), DEFAULT_GRID);
  jumps.push(maxAbsDiffDb(last, lastGrid));
  let worst = 0;
  let worstGrid = 0;
  for (let m = 0; m < moves; m++) {
    if (x + 0.01 * Math.cos(heading) < 0 || x + 0.01 * Math.cos(heading) > 1) heading = Math.PI - heading;
    if (y + 0.01 * Math.sin(heading) < 0 || y + 0.01 * Math.sin(heading) > 1) heading = -heading;
    x += 0.01 * Math.cos(heading);
    y += 0.01 * Math.sin(heading);
    const now = responseDb(pad.decodeXY(corners, x, y), DEFAULT_GRID);
    const nowGrid = responseDb(grid.decodeXY(corners, x, y), DEFAULT_GRID);
    worst = Math.max(worst, maxAbsDiffDb(now, last));
    worstGrid = Math.max(worstGrid, maxAbsDiffDb(nowGrid, lastGrid));
    [last, lastGrid] = [now, nowGrid];
  }
  played.push(worst);
  built.push(worstGrid);
});
console.log(`pad arrival: ${sets} random corner sets (seed ${seed}), from a random point ${moves} moves of 0.01 in a straight line; load average ${loadavg()[0]!.toFixed(2)}`);
console.log(`  the grid read at once where the pad was last played would jump: ${summary(jumps)}`);
console.log(`  largest 0.01 step of each walk as played (the grid fading in):  ${summary(played)}`);
console.log(`  largest 0.01 step of each walk on the built grid:               ${summary(built)}`);
