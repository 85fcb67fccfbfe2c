// The mapping named by --mapping: a file, or a shipped mapping by its name (`korg-nanokontrol2`), found in the package.

import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../data/paths.js';
import { UsageError } from './errors.js';

export const SHIPPED_MAPPINGS_DIR = join(PACKAGE_ROOT, 'mappings');
export const DEFAULT_MAPPING = join(SHIPPED_MAPPINGS_DIR, 'default.yaml');

/** The names of the shipped mappings (file names without `.yaml`), sorted. */
export function shippedMappingNames(): string[] {
  return readdirSync(SHIPPED_MAPPINGS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/**
 * The absolute path --mapping means. A file that exists wins, so a user's own `default.yaml` is never shadowed; a bare
 * name (no folder, no extension) is then looked up among the shipped mappings; anything else is left for the loader to
 * report as a missing file, with its path.
 */
export function resolveMappingOption(value: string | undefined): string {
  if (value === undefined) return DEFAULT_MAPPING;
  const asFile = resolve(value);
  if (existsSync(asFile)) return asFile;
  const bareName = /^[\w.-]+$/.test(value) && !/\.ya?ml$/i.test(value);
  if (!bareName) return asFile;
  const shipped = join(SHIPPED_MAPPINGS_DIR, `${value}.yaml`);
  if (existsSync(shipped)) return shipped;
  throw new UsageError(`no mapping file "${value}" here and no shipped mapping of that name; shipped mappings: ${shippedMappingNames().join(', ')} (eqmorph mappings lists them)`);
}
