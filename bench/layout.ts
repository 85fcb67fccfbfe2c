// Benchmark: targets with their own band layout: fit error and smoothness along morph paths, build time, µs per event.

import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { bandsToParams, type Band } from '../src/eq/bands.js';
import { DEFAULT_GRID } from '../src/eq/grid.js';
import { meanAbsDiffDb, responseDb, responseFromParams } from '../src/eq/response.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { targetLayout } from '../src/morph/band-layout.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import { FittedDecoder } from '../src/morph/fitted-decoder.js';
import { fitPath, layoutBands, layoutTable, readLayoutTable } from '../src/morph/layout-path.js';
import { morphBands, type MorphState } from '../src/morph/morph-state.js';
import { readPairTable } from '../src/morph/pair-table.js';
import { scaleToWire, targetEncoder } from '../src/pipeline/encode-target.js';
import { loadTargetProfile } from '../src/profiles/load.js';
import type { TargetProfile } from '../src/profiles/types.js';

const ALPHAS = [0, 0.25, 0.5, 0.75, 1];

function stats(xs: number[]): { mean: number; p95: number; max: number } {
  const s = xs.slice().sort((a, b) => a - b);
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p95: s[Math.floor(0.95 * (s.length - 1))]!, max: s[s.length - 1]! };
}

/** The bands a target would really set: each parameter rounded to the target's own steps and read back. */
function onTheWire(target: TargetProfile, bands: readonly Band[]): Band[] {
  return bands.map((b, i) => {
    const p = target.bands[i]!.params;
    const back = (kind: 'gain' | 'freq' | 'q', v: number) => {
      const s = p[kind]?.scaling;
      if (!s || (s.kind !== 'linear' && s.kind !== 'log')) return v;
      let u = scaleToWire(s, v);
      if (s.invert) u = 1 - u;
      return s.kind === 'linear' ? s.min + u * (s.max - s.min) : s.min * (s.max / s.min) ** u;
    };
    return { ...b, gain: back('gain', b.gain), freq: back('freq', b.freq), q: back('q', b.q) } as Band;
  });
}

/** Median µs per call over batches. */
function usPerCall(n: number, fn: (i: number) => unknown): number {
  const per: number[] = [];
  for (let start = 0; start < n; start += 1000) {
    const t0 = performance.now();
    for (let i = start; i < start + 1000; i++) fn(i);
    per.push((performance.now() - t0) * 1000 / 1000);
  }
  return per.sort((a, b) => a - b)[Math.floor(per.length / 2)]!;
}

export interface LayoutBenchOptions {
  /** Ordered term pairs to fit whole paths for; default 24, spread over the vocabulary; `Infinity` for every pair. */
  readonly pairs?: number;
  readonly modelDir?: string;
}

/**
 * For the X32 channel (4 bands) and bus (6 bands) profiles: the response error of the fitted path against eqmorph's
 * own 5 bands (dB MAE on 200 log points, 20 Hz..20 kHz) at several α, before and after the desk's quantisation; the
 * largest parameter step between neighbouring α samples (Δα = 1/128); the time to fit one pair's path; and µs per
 * fader event for the 4-band target against the 5-band path (decode + strength + encode).
 */
export async function benchLayout(opts: LayoutBenchOptions = {}) {
  await initBackend();
  const model = await EqModel.load(opts.modelDir ?? DEFAULT_MODEL_DIR);
  const decoder = new CachedDecoder(model);
  const terms = model.terms;
  const all: [string, string][] = terms.flatMap((a) => terms.filter((b) => b !== a).map((b): [string, string] => [a, b]));
  const want = Math.min(all.length, opts.pairs ?? 24);
  // Every k-th ordered pair: a deterministic spread over the whole vocabulary.
  const pairs = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / want)) === 0).slice(0, want);
  const results: Record<string, unknown> = {};
  for (const file of ['behringer-x32-channel.yaml', 'behringer-x32-bus.yaml']) {
    const target = await loadTargetProfile(`firmware-profiles/targets/${file}`);
    const layout = targetLayout(target);
    if (!layout.ok) throw new Error(layout.problem);
    const specs = layout.specs;
    const fitErr: number[] = [];
    const wireErr: number[] = [];
    const buildMs: number[] = [];
    let gainStep = 0;
    let freqStep = 0;
    let qStep = 0;
    let audibleFreqStep = 0;
    let responseStep = 0;
    for (const [a, b] of pairs) {
      const t = decoder.table(a, b);
      const rows = Array.from({ length: t.steps }, (_, i) => Array.from(readPairTable(t, i / (t.steps - 1))));
      const t0 = performance.now();
      const fits = fitPath(rows, specs);
      buildMs.push(performance.now() - t0);
      const table = layoutTable(specs, fits);
      for (const alpha of ALPHAS) {
        const truth = responseFromParams(bandsToParams(decoder.decode(a, b, alpha)), DEFAULT_GRID);
        const fitted = readLayoutTable(table, alpha);
        fitErr.push(meanAbsDiffDb(responseDb(fitted, DEFAULT_GRID), truth));
        wireErr.push(meanAbsDiffDb(responseDb(onTheWire(target, fitted), DEFAULT_GRID), truth));
      }
      let prevResponse = responseDb(layoutBands(specs, fits[0]!.params), DEFAULT_GRID);
      for (let i = 1; i < fits.length; i++) {
        const [p, q] = [fits[i]!.bands, fits[i - 1]!.bands];
        p.forEach((x, k) => {
          const y = q[k]!;
          gainStep = Math.max(gainStep, Math.abs(x.gain - y.gain));
          const df = Math.abs(Math.log2(x.freq / y.freq));
          const dq = Math.abs(Math.log2(x.q / y.q));
          freqStep = Math.max(freqStep, df);
          qStep = Math.max(qStep, dq);
          if (Math.min(Math.abs(x.gain), Math.abs(y.gain)) >= 1) audibleFreqStep = Math.max(audibleFreqStep, df);
        });
        const r = responseDb(layoutBands(specs, fits[i]!.params), DEFAULT_GRID);
        for (let j = 0; j < r.length; j++) responseStep = Math.max(responseStep, Math.abs(r[j]! - prevResponse[j]!));
        prevResponse = r;
      }
    }
    results[file] = {
      bands: specs.length,
      pairs: pairs.length,
      alphas: ALPHAS,
      fitMaeDb: stats(fitErr),
      onTheWireMaeDb: stats(wireErr),
      largestStepPerSample: { gainDb: gainStep, freqOct: freqStep, qOct: qStep, freqOctWhereGainAtLeast1Db: audibleFreqStep, responseDb: responseStep },
      buildMsPerPair: stats(buildMs),
    };
  }
  // µs per fader event: decode (table read), strength, encode to wire messages. Tables built beforehand.
  const [a, b] = ['warm', 'bright'];
  const x32 = await loadTargetProfile('firmware-profiles/targets/behringer-x32-channel.yaml');
  const five = await loadTargetProfile('firmware-profiles/targets/eqmorph-osc.yaml');
  const layout = targetLayout(x32);
  if (!layout.ok) throw new Error(layout.problem);
  const fitted = new FittedDecoder(decoder, layout.specs);
  decoder.prepare(a, b);
  fitted.prepare(a, b);
  while (!fitted.ready(a, b)) await new Promise((r) => setImmediate(r));
  const state = (i: number): MorphState => ({ termA: a, termB: b, alpha: ((i * 0.6180339887) % 1), strength: 0.8, bypass: false });
  // Decoding (what the layout adaptation changes) apart from encoding (which depends on the target's messages: the
  // X32 profile sends 16 stepped values plus 4 band types, eqmorph's own 15 physical values).
  const decodeFive = usPerCall(20000, (i) => morphBands(state(i), decoder));
  const decodeFour = usPerCall(20000, (i) => morphBands(state(i), fitted));
  // As the bridge does it: one encoder per instance, addresses filled in once.
  const [encodeFive, encodeFour] = [targetEncoder(five, 1, 'x'), targetEncoder(x32, 1, 'x')];
  const usFive = usPerCall(20000, (i) => encodeFive(morphBands(state(i), decoder)));
  const usFour = usPerCall(20000, (i) => encodeFour(morphBands(state(i), fitted)));
  return {
    layouts: results,
    perEventUs: {
      decode: { fiveBand: decodeFive, fourBandFitted: decodeFour, ratio: decodeFour / decodeFive },
      decodeAndEncode: { fiveBandEqmorphOsc: usFive, fourBandX32: usFour, ratio: usFour / usFive },
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const all = process.argv.includes('--all');
  const n = process.argv.find((x) => x.startsWith('--pairs='));
  const r = await benchLayout({ pairs: all ? Infinity : n ? Number(n.slice(8)) : undefined });
  process.stdout.write(JSON.stringify(r, null, 2) + '\n');
}
