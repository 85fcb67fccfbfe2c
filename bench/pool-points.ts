// Benchmark: how soon the fit pool answers a point (a channel's first answer) while it fits paths, against the same fit
// on the asking thread, in one run. Run: node --import tsx bench/pool-points.ts [POINTS=150]

import { loadavg } from 'node:os';
import { PARAM_COUNT } from '../src/eq/bands.js';
import { DEFAULT_MODEL_DIR, PACKAGE_ROOT } from '../src/data/paths.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { targetLayout } from '../src/morph/band-layout.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import { FitPool } from '../src/morph/fit-pool.js';
import { fitLayoutSample } from '../src/morph/layout-path.js';
import { readPairTable, type PairTable } from '../src/morph/pair-table.js';
import { loadTargetProfile } from '../src/profiles/load.js';
import { join } from 'node:path';

const points = Number(process.argv[2] ?? 150);
await initBackend();
const model = await EqModel.load(DEFAULT_MODEL_DIR);
const layout = targetLayout(await loadTargetProfile(join(PACKAGE_ROOT, 'firmware-profiles', 'targets', 'behringer-x32-channel.yaml')));
if (!layout.ok) throw new Error(layout.problem);
const specs = layout.specs;
const decoder = new CachedDecoder(model);
const terms = model.terms;
const tables = Array.from({ length: 6 }, (_, k) => decoder.table(terms[2 * k]!, terms[2 * k + 1]!));
const rowsOf = (t: PairTable) => {
  const rows = new Float64Array(t.steps * PARAM_COUNT);
  for (let i = 0; i < t.steps; i++) rows.set(readPairTable(t, i / (t.steps - 1)), i * PARAM_COUNT);
  return rows;
};
const load = [loadavg()[0]!];
const pool = new FitPool(1);
await pool.start();
// The worker fits one path after another, as during a desk's build.
let building = true;
const paths = (async () => {
  for (let k = 0; building; k++) await pool.fit(`path ${k}`, rowsOf(tables[k % tables.length]!), specs);
})();
const start = fitLayoutSample(readPairTable(tables[0]!, 0), specs).params;
const inPool: number[] = [];
const here: number[] = [];
for (let k = 0; k < points; k++) {
  await new Promise((r) => setTimeout(r, 7 + (k % 5)));
  const row = readPairTable(tables[k % tables.length]!, ((k * 7) % 33) / 32);
  const t0 = performance.now();
  await pool.point({ row }, specs, start);
  inPool.push(performance.now() - t0);
  const t1 = performance.now();
  fitLayoutSample(row, specs, start);
  here.push(performance.now() - t1);
}
building = false;
await paths;
await pool.close();
load.push(loadavg()[0]!);
const q = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(1);
process.stdout.write(
  `load ${load.map((x) => x.toFixed(1)).join(' -> ')}; ${points} points asked of a pool fitting paths: p50 ${q(inPool, 0.5)}, p90 ${q(inPool, 0.9)}, p99 ${q(inPool, 0.99)}, max ${q(inPool, 1)} ms ` +
    `(${((100 * inPool.filter((x) => x > 10).length) / points).toFixed(0)} % over 10 ms); the same fits on this thread p50 ${q(here, 0.5)}, p99 ${q(here, 0.99)} ms\n`,
);
