// `eqmorph train`: trains the model on SAFE-DB and SocialEQ's words with a progress bar and writes a model directory.

import { resolve } from 'node:path';
import { DEFAULT_SAFE_DB, DEFAULT_SOCIALEQ } from '../data/paths.js';
import { skippedRowsText } from '../data/safedb.js';
import { printable } from '../codecs/printable.js';
import { DEFAULT_CONFIG, withOverrides } from '../model/config.js';
import { buildModel } from '../model/build-model.js';
import { numberFlag, parseFlags } from './args.js';
import { formatDuration, progressBar } from './progress.js';
import { printEvaluationSummary } from './eval.js';

export const TRAIN_HELP = `eqmorph train [options]

Trains the model on SAFE-DB and on SocialEQ's words (each word's curve calibrated to dB and fitted with the 5-band
EQ; the fitted settings and jittered copies are labelled training examples) and writes a model directory. SAFE-DB's
held-out split and evaluation are those of SAFE-DB alone.

  --data PATH          SAFE-DB CSV (default ${DEFAULT_SAFE_DB})
  --out DIR            where to write the model (default ./models/trained)
  --epochs N           training epochs (default ${DEFAULT_CONFIG.epochs}); the last ${DEFAULT_CONFIG.polishEpochs} of them (at most half) train
                       the decoder alone, the encoder and so the terms' centroids frozen
  --batch-size N       examples per step (default ${DEFAULT_CONFIG.batchSize})
  --learning-rate X    Adam learning rate at the first epoch (default ${DEFAULT_CONFIG.learningRate})
  --final-learning-rate X
                       learning rate at the last epoch before the decoder-only polish: it falls along a half
                       cosine (default ${DEFAULT_CONFIG.finalLearningRate}; the same as --learning-rate: constant)
  --constant-epochs N  epochs at --learning-rate before the fall begins (default ${DEFAULT_CONFIG.constantEpochs})
  --latent-dim K       latent dimension (default ${DEFAULT_CONFIG.latentDim})
  --patience N         stop after N epochs without held-out improvement, 0 = never (default ${DEFAULT_CONFIG.patience})
  --min-examples N     smallest number of examples a term needs (default ${DEFAULT_CONFIG.minExamples})
  --seed N             seed for the split, initial weights, shuffling and dropout (default ${DEFAULT_CONFIG.seed})
  --socialeq PATH      SocialEQ word curves to train on and add to the vocabulary (default ${DEFAULT_SOCIALEQ})
  --no-socialeq        train on SAFE-DB's terms only
  --json               print the evaluation as JSON at the end
`;

export async function trainCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    data: { type: 'string' },
    out: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    'learning-rate': { type: 'string' },
    'final-learning-rate': { type: 'string' },
    'constant-epochs': { type: 'string' },
    'latent-dim': { type: 'string' },
    patience: { type: 'string' },
    'min-examples': { type: 'string' },
    seed: { type: 'string' },
    socialeq: { type: 'string' },
    'no-socialeq': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  const cfg = withOverrides(DEFAULT_CONFIG, {
    epochs: numberFlag('epochs', values.epochs, { min: 1, integer: true }),
    batchSize: numberFlag('batch-size', values['batch-size'], { min: 2, integer: true }),
    learningRate: numberFlag('learning-rate', values['learning-rate'], { min: 1e-7, max: 1 }),
    finalLearningRate: numberFlag('final-learning-rate', values['final-learning-rate'], { min: 1e-7, max: 1 }),
    constantEpochs: numberFlag('constant-epochs', values['constant-epochs'], { min: 0, integer: true }),
    latentDim: numberFlag('latent-dim', values['latent-dim'], { min: 2, max: 512, integer: true }),
    patience: numberFlag('patience', values.patience, { min: 0, integer: true }),
    minExamples: numberFlag('min-examples', values['min-examples'], { min: 2, integer: true }),
    seed: numberFlag('seed', values.seed, { integer: true }),
  });
  const data = resolve(values.data ?? DEFAULT_SAFE_DB);
  const out = resolve(values.out ?? 'models/trained');
  const bar = progressBar('training', cfg.epochs);
  const socialEqPath = values['no-socialeq'] ? null : resolve(values.socialeq ?? DEFAULT_SOCIALEQ);
  let vocabBar: ReturnType<typeof progressBar> | null = null;
  const result = await buildModel(data, cfg, out, {
    socialEqPath,
    onDataset: (d) => {
      const skipped = skippedRowsText(d);
      if (skipped) process.stderr.write(`eqmorph train: ${printable(skipped)}\n`);
    },
    onEpoch: (e) =>
      bar.update(e.epoch, `recon ${e.reconstruction.toFixed(4)} supcon ${e.contrastive.toFixed(4)} anchor ${e.anchor.toFixed(4)} held-out ${e.heldOutReconstruction.toFixed(4)}`),
    onVocabulary: (done, total) => {
      vocabBar ??= progressBar('vocabulary', total);
      vocabBar.update(done);
      if (done === total) vocabBar.done();
    },
  });
  const t = result.model.files.meta.training;
  bar.done(`trained ${t.epochs} epochs in ${formatDuration(result.trainSeconds)} on ${t.backend}${t.stoppedEarly ? ` (stopped early; kept epoch ${t.bestEpoch})` : ''}; model written to ${out}`);
  if (values.json) process.stdout.write(JSON.stringify(result.evaluation, null, 2) + '\n');
  else printEvaluationSummary(result.evaluation);
  return 0;
}
