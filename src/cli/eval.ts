// `eqmorph eval`: held-out evaluation of a model against PCA, term-mean and parameter-average baselines.

import { resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, DEFAULT_SAFE_DB, DEFAULT_SOCIALEQ } from '../data/paths.js';
import { loadSafeDb } from '../data/safedb.js';
import { loadSocialEq } from '../data/socialeq.js';
import { vocabularyReport } from '../model/socialeq-terms.js';
import { measureVocabularyPaths, SAMPLED_PAIRS, TOP_WORDS, wordAgreement, type VocabularyPaths, type WordAgreement } from '../morph/vocabulary-paths.js';
import { calibratedCurveDb, type SocialEqDataset } from '../data/socialeq.js';
import { normaliseTerm } from '../data/terms.js';
import { prepareData } from '../model/dataset.js';
import { evaluateModel, type Evaluation, type VocabularyEvaluation } from '../model/evaluate.js';
import { parseFlags } from './args.js';
import { UsageError } from './errors.js';
import { loadModelOption } from './model-option.js';
import { progressBar, type ProgressBar } from './progress.js';

export const EVAL_HELP = `eqmorph eval [--model DIR] [--data PATH] [--socialeq PATH] [--pairs N] [--top K] [--json]

Re-creates the model's held-out split from the dataset and measures reconstruction, latent clustering,
endpoints, morph paths and blends against simple baselines. For a model with SocialEQ words it also measures
every word's decoded centroid against its calibrated curve (dB and r), the cross-dataset agreement, and the paths
a running bridge sends between word pairs (its pair tables, Δα 0.01): every pair of the 20 best-supported words
plus 300 drawn with the model's seed (vocabularyPaths in --json; each pair's table is built, about a minute in all).

  --model DIR       model directory (default ${DEFAULT_MODEL_DIR})
  --data PATH       SAFE-DB CSV (default ${DEFAULT_SAFE_DB})
  --socialeq PATH   SocialEQ eqdescriptors.json (default ${DEFAULT_SOCIALEQ})
  --pairs N         word pairs drawn at random for the path measures (default ${SAMPLED_PAIRS})
  --top K           best-supported words whose every pair is measured (default ${TOP_WORDS})
  --json            print one JSON object
`;

export async function evalCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    model: { type: 'string' },
    data: { type: 'string' },
    socialeq: { type: 'string' },
    pairs: { type: 'string' },
    top: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(EVAL_HELP);
    return 0;
  }
  const sampled = count('--pairs', values.pairs, SAMPLED_PAIRS);
  const top = count('--top', values.top, TOP_WORDS);
  const model = await loadModelOption(values.model);
  const dataPath = resolve(values.data ?? DEFAULT_SAFE_DB);
  const dataset = loadSafeDb(dataPath);
  const meta = model.files.meta;
  if (dataset.sha256 !== meta.dataset.sha256) {
    process.stderr.write(`warning: ${dataPath} differs from the data this model was trained on (SHA-256 ${meta.dataset.sha256.slice(0, 12)}…); the held-out split may overlap training\n`);
  }
  const data = prepareData(dataset, meta.config);
  const bar = values.json ? null : progressBar('evaluating', 1);
  let evaluation: Evaluation & { vocabularyPaths?: VocabularyPaths; wordAgreement?: WordAgreement } = evaluateModel(model, data.train, data.heldOut);
  bar?.done();
  const scale = (meta.vocabulary as { scale?: unknown } | null | undefined)?.scale;
  if (typeof scale === 'number' && [...model.files.terms.values()].some((t) => t.source === 'socialeq')) {
    const social = loadSocialEq(resolve(values.socialeq ?? DEFAULT_SOCIALEQ));
    // The bar is made at the first pair, which tells how many there are.
    const paths: { bar?: ProgressBar } = {};
    const onPair = values.json ? undefined : (done: number, total: number) => (paths.bar ??= progressBar('word-pair paths', total)).update(done);
    evaluation = {
      ...evaluation,
      vocabulary: vocabularyReport(model, social, scale),
      vocabularyPaths: measureVocabularyPaths(model, meta.config.seed, { sampled, top, onPair }),
      wordAgreement: wordAgreement(model, wordCurves(social, scale)),
    };
    paths.bar?.done();
  }
  if (values.json) process.stdout.write(JSON.stringify(evaluation, null, 2) + '\n');
  else printEvaluationSummary(evaluation);
  return 0;
}

/** A whole number of at least 0 given to `flag`, or the default; anything else is a usage error. */
function count(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number of 0 or more, not ${JSON.stringify(value)}`);
  return n;
}

/** Each word's calibrated curve (dB), first spelling wins, as the vocabulary is built. */
export function wordCurves(social: SocialEqDataset, scale: number): Map<string, number[]> {
  const curves = new Map<string, number[]>();
  for (const w of social.words) if (!curves.has(normaliseTerm(w.word))) curves.set(normaliseTerm(w.word), calibratedCurveDb(w.curve, scale));
  return curves;
}

const f = (x: number, d = 3) => x.toFixed(d);

export function printEvaluationSummary(e: Evaluation & { vocabularyPaths?: VocabularyPaths; wordAgreement?: WordAgreement }, out: NodeJS.WritableStream = process.stdout): void {
  const r = e.reconstruction;
  const lines = [
    `held-out examples: ${e.heldOutExamples}`,
    `reconstruction (response MAE, dB): model ${f(r.model.responseMaeDb)} | PCA k=${r.pca.k} ${f(r.pca.responseMaeDb)} | term mean ${f(r.termMean.responseMaeDb)}`,
    `  PCA by k: ${Object.entries(r.pcaByK).map(([k, v]) => `${k}:${f(v, 2)}`).join(' ')}`,
    `  model per parameter: gain ${f(r.model.gainMaeDb, 2)} dB, freq ${f(r.model.freqMaeOct, 2)} oct, Q ${f(r.model.qMaeOct, 2)} oct`,
    `latent: silhouette ${f(e.latent.silhouette)}, Davies-Bouldin ${f(e.latent.daviesBouldin)}, nearest-centroid accuracy ${f(e.latent.centroidAccuracy)}`,
    `endpoints (decoded centroid vs mean response, dB; term-mean params baseline):`,
    ...Object.entries(e.endpoints).map(([t, v]) => `  ${t.padEnd(12)} ${f(v.responseMaeDb)}  (baseline ${f(v.termMeanParamsMaeDb)}, ${v.examples} examples)`),
    `the decoder's own paths (before a pair table shapes them), SAFE terms: ${e.paths.pairs} pairs x ${e.paths.steps} steps, max step ratio ${f(e.paths.maxStepRatio)} (${e.paths.worstPair}), monotonic ${e.paths.monotonic}`,
    `blends at alpha 0.5, distance to nearest real setting (dB): model ${f(e.blends.model.nearestDb)} | parameter average ${f(e.blends.paramAverage.nearestDb)}`,
    `evaluated in ${f(e.seconds, 1)} s`,
  ];
  out.write(lines.join('\n') + '\n' + (e.vocabulary ? formatVocabularyReport(e.vocabulary) : '') + (e.vocabularyPaths ? formatVocabularyPaths(e.vocabularyPaths, e.wordAgreement) : ''));
}

export function formatVocabularyPaths(p: VocabularyPaths, w?: WordAgreement): string {
  return [
    `vocabulary paths (as the bridge sends them, Δα 0.01): ${p.pairs} pairs, monotonic ${(100 * p.monotonicShare).toFixed(1)} % (worst backtrack ${f(p.worstBacktrackDb.max, 2)} dB)`,
    `  length / straight: median ${f(p.lengthRatio.median, 2)}, p95 ${f(p.lengthRatio.p95, 2)}; largest / mean step: median ${f(p.stepRatio.median, 2)}, p95 ${f(p.stepRatio.p95, 2)}`,
    `  midpoint vs endpoint average: median ${f(p.midpointDb.median, 2)} dB, p90 ${f(p.midpointDb.p90, 2)} dB; excursion beyond both ends: max ${f(p.excursionDb.max, 2)} dB (${p.excursionDb.over1p5} pairs over 1.5 dB)`,
    ...(w ? [`  words vs their curves: ${w.words} words, median r ${f(w.median, 2)}, p10 ${f(w.p10, 2)}, ${w.below0p5} below 0.5 (worst ${w.worst.map((x) => `${x.term} ${f(x.r, 2)}`).join(', ')})`] : []),
  ].join('\n') + '\n';
}

export function formatVocabularyReport(v: VocabularyEvaluation, calibrationWords?: readonly string[]): string {
  const s = v.socialEndpoints;
  return [
    `calibration: ${f(v.scaleDbPerUnit, 2)} dB per unit of shape${calibrationWords ? `, from ${calibrationWords.join(', ')}` : ''}`,
    `vocabulary: ${v.usable} usable terms (${v.usableEnglish} English) of ${v.words} words; median decoded-centroid error ${f(v.medianFitErrorDb, 2)} dB over the default vocabulary`,
    `  SocialEQ endpoints (decoded centroid vs calibrated curve): ${s.terms} words, median ${f(s.medianDb, 2)} dB, ${s.within1Db} within 1 dB, worst ${f(s.worstDb, 2)} dB; parametric fits ${f(v.medianParametricFitDb, 2)} dB median`,
    `  cross-dataset agreement (SAFE endpoint vs SocialEQ curve): ${Object.entries(v.agreement).map(([t, r]) => `${t} ${r === null ? 'n/a' : r.toFixed(2)}`).join(', ')}`,
    `  the decoder's own paths, SAFE term to SocialEQ word (before a pair table shapes them): ${v.mixedPaths.pairs} pairs, max step ratio ${f(v.mixedPaths.maxStepRatio, 2)}, monotonic ${(100 * v.mixedPaths.monotonicShare).toFixed(0)} %`,
  ].join('\n') + '\n';
}
