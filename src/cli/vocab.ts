// `eqmorph vocab`: (re)builds a model's vocabulary from SocialEQ's word curves without retraining the network.

import { resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, DEFAULT_SAFE_DB, DEFAULT_SOCIALEQ } from '../data/paths.js';
import { loadSafeDb } from '../data/safedb.js';
import { loadSocialEq } from '../data/socialeq.js';
import { prepareData } from '../model/dataset.js';
import { EqModel } from '../model/eq-model.js';
import { saveModelDir } from '../model/model-dir.js';
import { DEFAULT_POLICY, projectSocialEq, vocabularyReport } from '../model/socialeq-terms.js';
import { numberFlag, parseFlags } from './args.js';
import { loadModelOption } from './model-option.js';
import { progressBar } from './progress.js';

export const VOCAB_HELP = `eqmorph vocab [options]

Adds SocialEQ's crowd-sourced words to a model's vocabulary: each word's curve is calibrated to dB (scale fitted on the
words SAFE-DB also has), fitted with the 5-band EQ, and encoded; the latent point is the word's centroid. SAFE-trained
terms keep their own centroids. Words with thin support or a poor fit are kept but hidden (see eqmorph terms --all).

  --model DIR            model to extend, written in place unless --out is given (default ${DEFAULT_MODEL_DIR})
  --out DIR              write the extended model here instead
  --socialeq PATH        SocialEQ eqdescriptors.json (default ${DEFAULT_SOCIALEQ})
  --data PATH            SAFE-DB CSV, for calibration (default ${DEFAULT_SAFE_DB})
  --min-contributors N   hide words described by fewer people (default ${DEFAULT_POLICY.minContributors})
  --max-fit-error DB     hide words whose decoded centroid lands further from their curve (default ${DEFAULT_POLICY.maxFitErrorDb})
  --json                 print the vocabulary report as JSON
`;

export async function vocabCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    model: { type: 'string' },
    out: { type: 'string' },
    socialeq: { type: 'string' },
    data: { type: 'string' },
    'min-contributors': { type: 'string' },
    'max-fit-error': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(VOCAB_HELP);
    return 0;
  }
  const model = await loadModelOption(values.model);
  const social = loadSocialEq(resolve(values.socialeq ?? DEFAULT_SOCIALEQ));
  const data = prepareData(loadSafeDb(resolve(values.data ?? DEFAULT_SAFE_DB)), model.files.meta.config);
  const policy = {
    minContributors: numberFlag('min-contributors', values['min-contributors'], { min: 0, integer: true }) ?? DEFAULT_POLICY.minContributors,
    maxFitErrorDb: numberFlag('max-fit-error', values['max-fit-error'], { min: 0 }) ?? DEFAULT_POLICY.maxFitErrorDb,
  };
  // Start from the SAFE terms only, so running this twice gives the same vocabulary.
  const safeOnly = new EqModel({ ...model.files, terms: new Map([...model.files.terms].filter(([, t]) => t.source === 'safe')) });
  const bar = values.json ? null : progressBar('fitting words', social.words.length);
  const projection = projectSocialEq(safeOnly, social, data.train, policy, (d) => bar?.update(d));
  bar?.done();
  const extended = new EqModel({ ...safeOnly.files, terms: new Map([...safeOnly.files.terms, ...projection.terms]) });
  const report = vocabularyReport(extended, social, projection);
  const metrics = { ...(model.files.meta.metrics as object | undefined), vocabulary: report };
  const vocabulary = { path: social.path, scale: projection.scale, calibrationWords: projection.calibrationWords, policy };
  const outDir = resolve(values.out ?? values.model ?? DEFAULT_MODEL_DIR);
  await saveModelDir(outDir, { ...extended.files, meta: { ...extended.files.meta, metrics, vocabulary } });
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    process.stdout.write(
      [
        `calibration: ${projection.scale.toFixed(2)} dB per unit of shape, from ${projection.calibrationWords.join(', ')}`,
        `vocabulary: ${report.usable} usable terms (${report.usableEnglish} English) of ${report.words} words; median fit error ${report.medianFitErrorDb.toFixed(2)} dB`,
        `cross-dataset agreement (SAFE endpoint vs SocialEQ curve): ${Object.entries(report.agreement).map(([t, r]) => `${t} ${r === null ? 'n/a' : r.toFixed(2)}`).join(', ')}`,
        `mixed-source paths: ${report.mixedPaths.pairs} pairs, max step ratio ${report.mixedPaths.maxStepRatio.toFixed(2)}, monotonic ${(100 * report.mixedPaths.monotonicShare).toFixed(0)} %`,
        `model written to ${outDir}`,
      ].join('\n') + '\n',
    );
  }
  return 0;
}
