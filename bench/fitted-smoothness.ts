// Benchmark: how smoothly a desk's fitted table follows the fader. For each layout, the fitted table of each pair is
// read at 200 points and every 0.01 move of α is compared with the same move on eqmorph's own path: the largest step,
// the largest step beyond eqmorph's own there, and how many pairs have a step over 0.5 dB; also the fit error and the
// processor time of fitting. Pairs: 33 ordered pairs of 12 words (warm, bright and a seeded sample of the vocabulary).
// Run alone (about 5 s per layout): node --import tsx bench/fitted-smoothness.ts [LAYOUT,...]   (names in firmware-profiles/targets)

import { loadavg } from 'node:os';
import fc from 'fast-check';
import { paramsToBands } from '../src/eq/bands.js';
import { DEFAULT_GRID } from '../src/eq/grid.js';
import { maxAbsDiffDb, responseDb } from '../src/eq/response.js';
import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { targetLayout } from '../src/morph/band-layout.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import { fitPath, layoutTable, readLayoutTable } from '../src/morph/layout-path.js';
import { readPairTable } from '../src/morph/pair-table.js';
import { loadTargetProfile } from '../src/profiles/load.js';

const DEFAULT_LAYOUTS = 'behringer-x32-channel,generic-osc-eq,yamaha-dm3-mix,behringer-wing-channel,behringer-x32-bus';
const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  process.stdout.write(`usage: node --import tsx bench/fitted-smoothness.ts [LAYOUT,...]   (default ${DEFAULT_LAYOUTS})\n`);
  process.exit(0);
}
const READS = 200;

await initBackend();
const model = await EqModel.load(DEFAULT_MODEL_DIR);
const picks = fc.sample(fc.shuffledSubarray(model.terms, { minLength: 10, maxLength: 10 }), { numRuns: 1, seed: 14 })[0]!;
const words = ['warm', 'bright', ...picks.filter((t) => t !== 'warm' && t !== 'bright')].slice(0, 12);
const pairs = words.flatMap((a) => words.filter((b) => b !== a).map((b) => [a, b] as const)).filter((_, k) => k % 4 === 0);
const decoder = new CachedDecoder(model, { maxPairs: pairs.length });
console.log(`fitted smoothness: ${pairs.length} pairs of ${words.length} words, ${READS} reads per path; load average ${loadavg()[0]!.toFixed(2)}`);
for (const name of (arg ?? DEFAULT_LAYOUTS).split(',')) {
  const layout = targetLayout(await loadTargetProfile(`firmware-profiles/targets/${name}.yaml`));
  if (!layout.ok) {
    console.log(`  ${name}: eqmorph's own bands, nothing fitted`);
    continue;
  }
  let over = 0;
  let worst = { step: 0, where: '' };
  let worstExcess = 0;
  const excesses: number[] = [];
  let errSum = 0;
  let errWorst = 0;
  let cpuMs = 0;
  for (const [a, b] of pairs) {
    decoder.prepare(a, b);
    const own = decoder.table(a, b);
    const rows = Array.from({ length: own.steps }, (_, i) => readPairTable(own, i / (own.steps - 1)).slice());
    const c0 = process.cpuUsage();
    const table = layoutTable(layout.specs, fitPath(rows, layout.specs));
    const c = process.cpuUsage(c0);
    cpuMs += (c.user + c.system) / 1000;
    const fitted = Array.from({ length: READS + 1 }, (_, i) => responseDb(readLayoutTable(table, i / READS), DEFAULT_GRID));
    const path = Array.from({ length: READS + 1 }, (_, i) => responseDb(paramsToBands(readPairTable(own, i / READS)), DEFAULT_GRID));
    let pairStep = 0;
    let pairExcess = 0;
    for (let i = 0; i + 2 <= READS; i++) {
      const step = maxAbsDiffDb(fitted[i]!, fitted[i + 2]!);
      pairExcess = Math.max(pairExcess, step - maxAbsDiffDb(path[i]!, path[i + 2]!));
      if (step > pairStep) pairStep = step;
      if (step > worst.step) worst = { step, where: `${a} -> ${b} at α ${(i / READS).toFixed(3)}` };
    }
    for (let i = 0; i <= READS; i++) {
      const e = maxAbsDiffDb(fitted[i]!, path[i]!);
      errSum += e;
      errWorst = Math.max(errWorst, e);
    }
    if (pairStep > 0.5) over++;
    worstExcess = Math.max(worstExcess, pairExcess);
    excesses.push(pairExcess);
  }
  excesses.sort((x, y) => x - y);
  console.log(
    `  ${name}: largest 0.01 step ${worst.step.toFixed(2)} dB (${worst.where}), over 0.5 dB in ${over} of ${pairs.length} pairs; ` +
      `beyond eqmorph's own: median ${excesses[excesses.length >> 1]!.toFixed(3)}, max ${worstExcess.toFixed(2)} dB; ` +
      `fit error (largest difference on the grid) mean ${(errSum / (pairs.length * (READS + 1))).toFixed(3)}, max ${errWorst.toFixed(2)} dB; fitting ${(cpuMs / pairs.length).toFixed(0)} ms of CPU per pair`,
  );
}
