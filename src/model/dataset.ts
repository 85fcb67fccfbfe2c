// Prepares SAFE-DB for training: vocabulary, stratified split, normalisation statistics and dense arrays.

import { fitNormStats, normalise, type NormStats } from '../data/normalise.js';
import type { SafeDataset } from '../data/safedb.js';
import { stratifiedSplit } from '../data/split.js';
import { buildVocabulary, readNonDescriptors, type TermExample, type VocabularyReport } from '../data/terms.js';
import type { ModelConfig } from './config.js';

export interface PreparedData {
  /** Vocabulary terms, most examples first; a term's index is its class label. */
  readonly terms: readonly string[];
  readonly train: readonly TermExample[];
  readonly heldOut: readonly TermExample[];
  readonly stats: NormStats;
  readonly vocabulary: VocabularyReport;
}

export function prepareData(dataset: SafeDataset, cfg: ModelConfig, nonDescriptors = readNonDescriptors()): PreparedData {
  const vocabulary = buildVocabulary(dataset.examples, { minExamples: cfg.minExamples, outlierSigma: cfg.outlierSigma, nonDescriptors });
  const terms = [...vocabulary.counts.keys()];
  if (terms.length < 2) {
    throw new RangeError(`only ${terms.length} term(s) have at least ${cfg.minExamples} examples; a morph needs two (lower --min-examples?)`);
  }
  const { train, heldOut } = stratifiedSplit(vocabulary.examples, (e) => e.term, cfg.heldOutShare, cfg.seed);
  // Statistics come from the training part only, so held-out evaluation does not see its own data.
  const stats = fitNormStats(train.map((e) => e.params));
  return { terms, train, heldOut, stats, vocabulary };
}

/** Row-major normalised parameters and integer labels for a list of examples. */
export function toArrays(examples: readonly TermExample[], terms: readonly string[], stats: NormStats) {
  const width = stats.mean.length;
  const x = new Float32Array(examples.length * width);
  const labels = new Int32Array(examples.length);
  examples.forEach((e, i) => {
    x.set(normalise(e.params, stats), i * width);
    labels[i] = terms.indexOf(e.term);
  });
  return { x, labels, width };
}
