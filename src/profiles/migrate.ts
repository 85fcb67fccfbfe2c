// Moves a profile written for an older format version forward, one pure migration per version step, before validation.

import { PROFILE_VERSION } from './schema.js';

/** A parsed YAML document before validation. */
export type RawDocument = Record<string, unknown>;

/** Turns a document of version `from` into one of version `from + 1`; must not mutate its argument. */
export interface Migration {
  readonly from: number;
  /** One line for `eqmorph validate` to say what changed, e.g. "bindings: `fader` renamed to `source`". */
  readonly summary: string;
  readonly up: (doc: RawDocument) => RawDocument;
}

/** Every migration, ordered by `from`. Empty while version 1 is the only format. */
export const MIGRATIONS: readonly Migration[] = [];

export type MigrationOutcome =
  | { readonly ok: true; readonly doc: RawDocument; readonly applied: readonly Migration[] }
  | { readonly ok: false; readonly reason: 'not_a_version' | 'too_new' | 'no_path'; readonly message: string; readonly allowed: readonly string[] };

/**
 * Applies the migrations from the document's `version` up to `current`, setting `version` after each step.
 * Pure: returns a new document, or why it cannot (a version newer than this eqmorph, or a gap in the list).
 */
export function migrate(doc: RawDocument, migrations: readonly Migration[] = MIGRATIONS, current: number = PROFILE_VERSION): MigrationOutcome {
  const allowed = Array.from({ length: current }, (_, i) => String(i + 1));
  const v = doc['version'];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    return { ok: false, reason: 'not_a_version', message: 'version must be a whole number from 1', allowed };
  }
  if (v > current) {
    return { ok: false, reason: 'too_new', message: `version ${v} is newer than this eqmorph reads (${current}); upgrade eqmorph to load this file`, allowed };
  }
  let out = doc;
  const applied: Migration[] = [];
  for (let from = v; from < current; from++) {
    const step = migrations.find((m) => m.from === from);
    if (!step) return { ok: false, reason: 'no_path', message: `no migration from version ${from} to ${from + 1}`, allowed };
    out = { ...step.up(out), version: from + 1 };
    applied.push(step);
  }
  return { ok: true, doc: out, applied };
}
