import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { paramsToBands } from '../../src/eq/bands.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { responseDb, responseFromParams } from '../../src/eq/response.js';
import { fitParametric } from '../../src/eq/fit.js';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { targetLayout } from '../../src/morph/band-layout.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import { FIT_GRID, fitLayoutSample, fitPath, layoutTable, pathPeaks, readLayoutTable, seedFromSource } from '../../src/morph/layout-path.js';
import { readPairTable } from '../../src/morph/pair-table.js';
import { loadTargetProfile } from '../../src/profiles/load.js';

// Fitted tables of the shipped model (models/default) on desks whose bands can hold all of eqmorph's, but not its
// broadest: the WING channel's and the X32 bus's peaking bands start at Q 0.44, eqmorph's go down to 0.1.

let decoder: CachedDecoder;
let terms: readonly string[];
before(async () => {
  await initBackend();
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  decoder = new CachedDecoder(model, { maxPairs: 50 });
  terms = model.terms;
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** The largest amount by which a 0.01 move of α changes the fitted table's response more than it changes eqmorph's own path's, dB. */
async function stepBeyondOwn(profile: string, a: string, b: string): Promise<{ excess: number; at: number }> {
  const layout = targetLayout(await loadTargetProfile(`firmware-profiles/targets/${profile}.yaml`));
  assert.ok(layout.ok);
  decoder.prepare(a, b);
  const own = decoder.table(a, b);
  const rows = Array.from({ length: own.steps }, (_, i) => readPairTable(own, i / (own.steps - 1)).slice());
  const fitted = layoutTable(layout.specs, fitPath(rows, layout.specs));
  const n = 200; // 0.005 of α apart: a 0.01 move spans two
  const at = (i: number) => [responseDb(readLayoutTable(fitted, i / n), DEFAULT_GRID), responseDb(paramsToBands(readPairTable(own, i / n)), DEFAULT_GRID)] as const;
  const points = Array.from({ length: n + 1 }, (_, i) => at(i));
  let worst = { excess: -Infinity, at: 0 };
  for (let i = 0; i + 2 <= n; i++) {
    const excess = maxAbsDiff(points[i]![0], points[i + 2]![0]) - maxAbsDiff(points[i]![1], points[i + 2]![1]);
    if (excess > worst.excess) worst = { excess, at: i / n };
  }
  return worst;
}

test('a desk whose bands cannot copy eqmorph\'s broadest follows the fader as smoothly as eqmorph\'s own path (within 0.3 dB per 0.01 of α)', async () => {
  // blaring -> wild on the WING stepped 12.3 dB at α 0.16 and deafening -> blaring on the X32 bus 5.05 dB at 0.735,
  // when each sample was fitted apart from its neighbours; the rest a seeded sample of the vocabulary's pairs.
  const sample = fc.sample(fc.tuple(fc.constantFrom(...terms), fc.constantFrom(...terms)).filter(([x, y]) => x !== y), { numRuns: 2, seed: 19 });
  const cases = [['behringer-wing-channel', 'blaring', 'wild'], ['behringer-x32-bus', 'deafening', 'blaring'], ...sample.flatMap(([a, b]) => [['behringer-wing-channel', a, b], ['behringer-x32-bus', a, b]])] as const;
  for (const [profile, a, b] of cases) {
    const { excess, at } = await stepBeyondOwn(profile, a, b);
    assert.ok(excess <= 0.3, `${profile}: ${a} -> ${b} at α ${at}: ${excess.toFixed(3)} dB beyond eqmorph's own step`);
  }
});

test('a 4-band desk whose chain jumps to another optimum is joined to the chain from the other end, and steps less', async () => {
  // Where the chain with the smaller worst error jumped, beyond eqmorph's own step for a 0.01 move: the generic OSC EQ
  // (two peaking bands at Q 1) 1.46 dB on raspy -> huge and 1.48 dB on huge -> deafening, the X32 channel 0.84 dB on
  // bright -> raspy; joined, 0.40, 0.11 and 0.35 dB.
  const cases = [['generic-osc-eq', 'raspy', 'huge'], ['generic-osc-eq', 'huge', 'deafening'], ['behringer-x32-channel', 'bright', 'raspy']] as const;
  for (const [profile, a, b] of cases) {
    const { excess, at } = await stepBeyondOwn(profile, a, b);
    assert.ok(excess <= 0.5, `${profile}: ${a} -> ${b} at α ${at}: ${excess.toFixed(3)} dB beyond eqmorph's own step`);
  }
});

test('where neither the other chain nor a join moves more smoothly, the chain with the smaller worst error is kept', async () => {
  // uniforme -> wild on the DM3 mix bus: the forward chain, whose worst error is the smaller, steps 0.29 dB beyond
  // eqmorph's own between two samples; the backward chain and every join score no better once their errors count.
  const layout = targetLayout(await loadTargetProfile('firmware-profiles/targets/yamaha-dm3-mix.yaml'));
  assert.ok(layout.ok);
  const specs = layout.specs;
  decoder.prepare('uniforme', 'wild');
  const own = decoder.table('uniforme', 'wild');
  const rows = Array.from({ length: own.steps }, (_, i) => readPairTable(own, i / (own.steps - 1)).slice());
  const peaks = pathPeaks(rows, specs);
  // The forward chain as fitPath makes it: the first sample from the path's seed, each next one from the one before.
  let previous: number[] | undefined;
  const forward = rows.map((row) => {
    const fit = previous ? fitLayoutSample(row, specs, previous) : fitParametric(responseFromParams(row, FIT_GRID), FIT_GRID, { bands: specs, initial: seedFromSource(row, specs, peaks), sort: false });
    previous = fit.params;
    return fit.params;
  });
  assert.deepEqual(
    fitPath(rows, specs).map((f) => f.params),
    forward,
  );
});
