// Loading the model named by --model (default: the shipped one), with the backend started first.

import { join, resolve } from 'node:path';
import { DataFileError } from '../data/errors.js';
import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { initBackend } from '../model/backend.js';
import { modelProblem } from '../model/check-model.js';
import { EqModel } from '../model/eq-model.js';

/** The model, checked once at load: a damaged one (NaN weights, centroids that decode out of range) is refused, exit 2. */
export async function loadModelOption(dir: string | undefined): Promise<EqModel> {
  await initBackend();
  const path = resolve(dir ?? DEFAULT_MODEL_DIR);
  const model = await EqModel.load(path);
  const problem = modelProblem(model);
  if (problem) throw new DataFileError(join(path, problem.file), problem.problem);
  return model;
}
