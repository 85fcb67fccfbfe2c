// Where eqmorph finds its own files (package root) and the shared datasets by default.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file lives in src/data (via tsx) or dist/data (compiled), both two levels down. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared/datasets seen from the project root, where the team's datasets live. */
export const SHARED_DATASETS = resolve(PACKAGE_ROOT, '..', 'shared', 'datasets');
export const DEFAULT_SAFE_DB = join(SHARED_DATASETS, 'safe-db', 'SAFEEqualiserUserData.csv');
export const DEFAULT_SOCIALEQ = join(SHARED_DATASETS, 'socialeq', 'eqdescriptors.json');
export const DEFAULT_MODEL_DIR = join(PACKAGE_ROOT, 'models', 'default');
export const NON_DESCRIPTORS_FILE = join(PACKAGE_ROOT, 'data', 'non-descriptors.txt');
/** SocialEQ words that do not describe a sound (a thing, a greeting): hidden from the vocabulary, never trained on. */
export const SOCIALEQ_NON_DESCRIPTORS_FILE = join(PACKAGE_ROOT, 'data', 'socialeq-non-descriptors.txt');
