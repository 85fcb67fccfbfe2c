// Loading the model named by --model (default: the shipped one), with the backend started first.

import { resolve } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { initBackend } from '../model/backend.js';
import { EqModel } from '../model/eq-model.js';

export async function loadModelOption(dir: string | undefined): Promise<EqModel> {
  await initBackend();
  return EqModel.load(resolve(dir ?? DEFAULT_MODEL_DIR));
}
