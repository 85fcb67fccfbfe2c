// Loading the model named by --model (default: the shipped one), with the backend started first.

import { join, resolve } from 'node:path';
import { DataFileError } from '../data/errors.js';
import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { initBackend } from '../model/backend.js';
import { modelProblem } from '../model/check-model.js';
import { EqModel } from '../model/eq-model.js';
import { closestTerms, lookupTerm } from '../model/vocabulary.js';
import type { KnownTerms } from '../profiles/types.js';

/** The model, checked once at load: a damaged one (NaN weights, centroids that decode out of range) is refused, exit 2. */
export async function loadModelOption(dir: string | undefined): Promise<EqModel> {
  await initBackend();
  const path = resolve(dir ?? DEFAULT_MODEL_DIR);
  const model = await EqModel.load(path);
  // Decoding a sample warms the network up (seconds on a busy machine) before start-up needs it: done for a model the
  // user names; the shipped one's decoded centroids are pinned by its tests, and its weights are still checked here.
  const problem = modelProblem(model, { decode: dir !== undefined });
  if (problem) throw new DataFileError(join(path, problem.file), problem.problem);
  return model;
}

/**
 * Which terms a mapping may name, as `run` and `validate` check them: hidden words are accepted when named exactly (as
 * in decode), and only the default vocabulary is suggested for a word the model does not know.
 */
export function mappingTerms(model: EqModel, known: readonly string[] = model.allTerms): KnownTerms {
  return (t: string) => (lookupTerm(t, known).ok ? true : { suggestions: closestTerms(t, model.terms) });
}
