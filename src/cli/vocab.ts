// `eqmorph vocab`: (re)builds a model's vocabulary from SocialEQ's word curves without retraining the network.

import { resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, DEFAULT_SAFE_DB, DEFAULT_SOCIALEQ, SOCIALEQ_NON_DESCRIPTORS_FILE } from '../data/paths.js';
import { readNonDescriptors } from '../data/terms.js';
import { loadSafeDb } from '../data/safedb.js';
import { loadSocialEq } from '../data/socialeq.js';
import { DEFAULT_CONFIG } from '../model/config.js';
import { prepareData } from '../model/dataset.js';
import { EqModel } from '../model/eq-model.js';
import { saveModelDir } from '../model/model-dir.js';
import { computeSoundMap, writeSoundMap } from '../model/sound-map-file.js';
import { DEFAULT_POLICY, fitSocialEqWords, trainableWords, vocabularyReport, vocabularyTerms, wordTrainingExamples } from '../model/socialeq-terms.js';
import { termCentroids } from '../model/centroids.js';
import type { TermInfo } from '../model/model-dir.js';
import { numberFlag, parseFlags } from './args.js';
import { loadModelOption } from './model-option.js';
import { progressBar } from './progress.js';
import { formatVocabularyReport } from './eval.js';

export const VOCAB_HELP = `eqmorph vocab [options]

Rebuilds a model's SocialEQ vocabulary without retraining: each word's curve is calibrated to dB (scale fitted on the
words SAFE-DB also has) and fitted with the 5-band EQ; the word's centroid is the latent point whose decoded EQ
sounds most like the curve, searched through the decoder from the mean latent code of the examples training used.
A word both datasets have goes to the one with more people behind it (SAFE-DB examples against SocialEQ
contributors; SAFE-DB on a tie): warm and bright stay SAFE-DB's, clear is SocialEQ's. Words with thin support, a
poor fit or a decoded curve that disagrees with theirs are kept but hidden (see eqmorph terms --all). The sound
map (eqmorph map) is recomputed for the new vocabulary and written beside the model.

  --model DIR            model to extend, written in place unless --out is given (default ${DEFAULT_MODEL_DIR})
  --out DIR              write the extended model here instead
  --socialeq PATH        SocialEQ eqdescriptors.json (default ${DEFAULT_SOCIALEQ})
  --data PATH            SAFE-DB CSV, for calibration (default ${DEFAULT_SAFE_DB})
  --min-contributors N   hide words described by fewer people (default ${DEFAULT_POLICY.minContributors})
  --max-fit-error DB     hide words whose decoded centroid lands further from their curve (default ${DEFAULT_POLICY.maxFitErrorDb})
  --min-r R              hide words whose decoded centroid correlates less with their curve (default ${DEFAULT_POLICY.minCurveR})
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
    'min-r': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(VOCAB_HELP);
    return 0;
  }
  const model = await loadModelOption(values.model);
  const social = loadSocialEq(resolve(values.socialeq ?? DEFAULT_SOCIALEQ));
  // Models trained before the SocialEQ options existed lack them; the defaults are what they would have used.
  const cfg = { ...DEFAULT_CONFIG, ...model.files.meta.config };
  const data = prepareData(loadSafeDb(resolve(values.data ?? DEFAULT_SAFE_DB)), cfg);
  const policy = {
    minContributors: numberFlag('min-contributors', values['min-contributors'], { min: 0, integer: true }) ?? DEFAULT_POLICY.minContributors,
    maxFitErrorDb: numberFlag('max-fit-error', values['max-fit-error'], { min: 0 }) ?? DEFAULT_POLICY.maxFitErrorDb,
    minCurveR: numberFlag('min-r', values['min-r'], { min: -1, max: 1 }) ?? DEFAULT_POLICY.minCurveR,
  };
  // Start from the SAFE terms only, so running this twice gives the same vocabulary; a SAFE term an earlier run handed
  // to SocialEQ gets its SAFE centroid back from the training data.
  const safeCentroids = termCentroids(model.files.networks.encoder, data.train, model.files.meta.stats);
  const safeTerms = data.terms.map((t): [string, TermInfo] => {
    const stored = model.term(t);
    const c = safeCentroids.get(t)!;
    return [t, stored?.source === 'safe' ? stored : { z: c.z, source: 'safe', language: 'English', count: c.count, agreement: null, fitErrorDb: null }];
  });
  const safeOnly = new EqModel({ ...model.files, terms: new Map(safeTerms) });
  const bar = values.json ? null : progressBar('fitting words', social.words.length);
  const nonDescriptors = readNonDescriptors(SOCIALEQ_NON_DESCRIPTORS_FILE);
  const fitted = fitSocialEqWords(social, data.train, { nonDescriptors, onProgress: (d) => bar?.update(d) });
  bar?.done();
  const examples = wordTrainingExamples(trainableWords(fitted, policy), model.files.meta.stats, cfg);
  const extended = new EqModel({ ...safeOnly.files, terms: vocabularyTerms(safeOnly, social, fitted, examples, policy, nonDescriptors) });
  const report = vocabularyReport(extended, social, fitted.scale);
  const metrics = { ...(model.files.meta.metrics as object | undefined), vocabulary: report };
  const previous = model.files.meta.vocabulary as object | undefined;
  const vocabulary = { ...previous, path: social.path, scale: fitted.scale, calibrationWords: fitted.calibrationWords, policy };
  const outDir = resolve(values.out ?? values.model ?? DEFAULT_MODEL_DIR);
  await saveModelDir(outDir, { ...extended.files, meta: { ...extended.files.meta, metrics, vocabulary } });
  // The sound map places exactly the default vocabulary, so it is redrawn with it.
  writeSoundMap(outDir, computeSoundMap(extended));
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(formatVocabularyReport(report, fitted.calibrationWords) + `model written to ${outDir}\n`);
  return 0;
}
