// Loading the model named by --model (default: the shipped one), with the backend started first.

import { resolve } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { initBackend } from '../model/backend.js';
import { EqModel } from '../model/eq-model.js';
import { closestTerms, lookupTerm } from '../model/vocabulary.js';
import type { KnownTerms } from '../profiles/types.js';

export async function loadModelOption(dir: string | undefined): Promise<EqModel> {
  await initBackend();
  return EqModel.load(resolve(dir ?? DEFAULT_MODEL_DIR));
}

/**
 * Which terms a mapping may name, as `run` and `validate` check them: hidden words are accepted when named exactly (as
 * in decode), and only the default vocabulary is suggested for a word the model does not know.
 */
export function mappingTerms(model: EqModel): KnownTerms {
  const known = [...model.files.terms.keys()];
  return (t: string) => (lookupTerm(t, known).ok ? true : { suggestions: closestTerms(t, model.terms) });
}
