// Benchmark: trains the default configuration once and reports seconds, per-step cost and whether the loss converged.

import { DEFAULT_SAFE_DB, DEFAULT_SOCIALEQ } from '../src/data/paths.js';
import { DEFAULT_CONFIG, withOverrides } from '../src/model/config.js';
import { buildModel } from '../src/model/build-model.js';
import { progressBar } from '../src/cli/progress.js';
import { trainingConvergence } from './convergence.js';
import type { Evaluation } from '../src/model/evaluate.js';

const json = process.argv.includes('--json');
// Any numeric setting can be tried: --epochs=80, --batchSize=128, --learningRate=2e-3.
const overrides = Object.fromEntries(
  process.argv
    .map((a) => /^--(\w+)=(.+)$/.exec(a))
    .filter((m): m is RegExpExecArray => m !== null && typeof DEFAULT_CONFIG[m[1] as keyof typeof DEFAULT_CONFIG] === 'number')
    .map((m) => [m[1], Number(m[2])]),
);
const cfg = withOverrides(DEFAULT_CONFIG, overrides);

export async function benchTrain(config = cfg) {
  const bar = progressBar('bench:train', config.epochs);
  const r = await buildModel(DEFAULT_SAFE_DB, config, null, {
    socialEqPath: DEFAULT_SOCIALEQ,
    onEpoch: (e) => bar.update(e.epoch, `held-out ${e.heldOutReconstruction.toFixed(4)}`),
  });
  bar.done();
  const history = r.model.files.meta.training.history as { heldOutReconstruction: number; reconstruction: number }[];
  const steps = Math.ceil(r.trainingRows / config.batchSize) * history.length;
  return {
    seconds: r.trainSeconds,
    cpuSeconds: r.trainCpuSeconds,
    epochs: history.length,
    rowsPerEpoch: r.trainingRows,
    stepMs: (1000 * r.trainSeconds) / steps,
    backend: r.model.files.meta.training.backend,
    convergence: trainingConvergence(history.map((h) => h.heldOutReconstruction)),
    heldOutCurve: history.map((h) => Number(h.heldOutReconstruction.toFixed(4))),
    endpoints: Object.fromEntries(Object.entries(r.evaluation.endpoints).map(([t, v]) => [t, v.responseMaeDb])),
    quality: qualityNumbers(r.evaluation),
  };
}

/** The evaluation's numbers that a faster training must keep: a change of procedure is judged on all of them. */
function qualityNumbers(e: Evaluation) {
  return {
    heldOutResponseMaeDb: e.reconstruction.model.responseMaeDb,
    silhouette: e.latent.silhouette,
    centroidAccuracy: e.latent.centroidAccuracy,
    pathMaxStepRatio: e.paths.maxStepRatio,
    blendNearestDb: e.blends.model.nearestDb,
    vocabularyMedianFitDb: e.vocabulary?.medianFitErrorDb ?? null,
    socialEndpointsWorstDb: e.vocabulary?.socialEndpoints.worstDb ?? null,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchTrain();
  if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    const c = result.convergence;
    process.stdout.write(
      [
        `train: ${result.seconds.toFixed(1)} s (${result.cpuSeconds.toFixed(1)} s of CPU) for ${result.epochs} epochs of ${result.rowsPerEpoch} rows (SAFE-DB and SocialEQ) on ${result.backend} (${result.stepMs.toFixed(1)} ms per step; target <= 240 s)`,
        `held-out reconstruction: first ${c.first.toFixed(4)}, best ${c.best.toFixed(4)}, last-10 mean ${c.lastWindowMean.toFixed(4)}, ` +
          `change over the last 10 epochs ${(100 * c.lastWindowChange).toFixed(1)} % -> ${c.converged ? 'converged' : 'still falling'}`,
        `endpoints (dB): ${Object.entries(result.endpoints).map(([t, v]) => `${t} ${v.toFixed(3)}`).join(', ')}`,
        `quality: ${Object.entries(result.quality).map(([k, v]) => `${k} ${v === null ? '-' : v.toFixed(3)}`).join(', ')}`,
      ].join('\n') + '\n',
    );
  }
}
