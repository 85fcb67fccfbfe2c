// `eqmorph eval`: held-out evaluation of a model against PCA, term-mean and parameter-average baselines.

import { resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, DEFAULT_SAFE_DB } from '../data/paths.js';
import { loadSafeDb } from '../data/safedb.js';
import { prepareData } from '../model/dataset.js';
import { evaluateModel, type Evaluation } from '../model/evaluate.js';
import { parseFlags } from './args.js';
import { loadModelOption } from './model-option.js';
import { progressBar } from './progress.js';

export const EVAL_HELP = `eqmorph eval [--model DIR] [--data PATH] [--json]

Re-creates the model's held-out split from the dataset and measures reconstruction, latent clustering,
endpoints, morph paths and blends against simple baselines.

  --model DIR   model directory (default ${DEFAULT_MODEL_DIR})
  --data PATH   SAFE-DB CSV (default ${DEFAULT_SAFE_DB})
  --json        print one JSON object
`;

export async function evalCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { model: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(EVAL_HELP);
    return 0;
  }
  const model = await loadModelOption(values.model);
  const dataPath = resolve(values.data ?? DEFAULT_SAFE_DB);
  const dataset = loadSafeDb(dataPath);
  const meta = model.files.meta;
  if (dataset.sha256 !== meta.dataset.sha256) {
    process.stderr.write(`warning: ${dataPath} differs from the data this model was trained on (SHA-256 ${meta.dataset.sha256.slice(0, 12)}…); the held-out split may overlap training\n`);
  }
  const data = prepareData(dataset, meta.config);
  const bar = values.json ? null : progressBar('evaluating', 1);
  const evaluation = evaluateModel(model, data.train, data.heldOut);
  bar?.done();
  if (values.json) process.stdout.write(JSON.stringify(evaluation, null, 2) + '\n');
  else printEvaluationSummary(evaluation);
  return 0;
}

const f = (x: number, d = 3) => x.toFixed(d);

export function printEvaluationSummary(e: Evaluation, out: NodeJS.WritableStream = process.stdout): void {
  const r = e.reconstruction;
  const lines = [
    `held-out examples: ${e.heldOutExamples}`,
    `reconstruction (response MAE, dB): model ${f(r.model.responseMaeDb)} | PCA k=${r.pca.k} ${f(r.pca.responseMaeDb)} | term mean ${f(r.termMean.responseMaeDb)}`,
    `  PCA by k: ${Object.entries(r.pcaByK).map(([k, v]) => `${k}:${f(v, 2)}`).join(' ')}`,
    `  model per parameter: gain ${f(r.model.gainMaeDb, 2)} dB, freq ${f(r.model.freqMaeOct, 2)} oct, Q ${f(r.model.qMaeOct, 2)} oct`,
    `latent: silhouette ${f(e.latent.silhouette)}, Davies-Bouldin ${f(e.latent.daviesBouldin)}, nearest-centroid accuracy ${f(e.latent.centroidAccuracy)}`,
    `endpoints (decoded centroid vs mean response, dB; term-mean params baseline):`,
    ...Object.entries(e.endpoints).map(([t, v]) => `  ${t.padEnd(12)} ${f(v.responseMaeDb)}  (baseline ${f(v.termMeanParamsMaeDb)}, ${v.examples} examples)`),
    `paths: ${e.paths.pairs} pairs x ${e.paths.steps} steps, max step ratio ${f(e.paths.maxStepRatio)} (${e.paths.worstPair}), monotonic ${e.paths.monotonic}`,
    `blends at alpha 0.5, distance to nearest real setting (dB): model ${f(e.blends.model.nearestDb)} | parameter average ${f(e.blends.paramAverage.nearestDb)}`,
    `evaluated in ${f(e.seconds, 1)} s`,
  ];
  out.write(lines.join('\n') + '\n');
}
