// Loads profile files: read, parse YAML, migrate, validate against the schema, build typed objects; every problem becomes a located ProfileError.

import { open, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { buildController, buildTarget } from './build.js';
import { buildMapping, type MappingContext } from './build-mapping.js';
import { ProfileError, ProfileErrors } from './errors.js';
import { validateWith } from './issues.js';
import { migrate, MIGRATIONS, type Migration, type RawDocument } from './migrate.js';
import { repairMapping } from './repair-mapping.js';
import { PROFILE_KINDS, PROFILE_VERSION, SCHEMAS, type RawController, type RawMapping, type RawTarget } from './schema.js';
import { YamlSource } from './source.js';
import { suggest, didYouMean } from './suggest.js';
import type { AnyProfile, ControllerProfile, LoadMappingOptions, Mapping, ProfileKind, TargetProfile } from './types.js';

export interface ParseOptions {
  /** The migrations to apply and the version they lead to; tests pass synthetic ones. */
  readonly migrations?: readonly Migration[];
  readonly currentVersion?: number;
}

/** A document that parsed, has a readable version (migrated to the current one) and a known kind. */
interface Prepared {
  readonly source: YamlSource;
  readonly data: RawDocument;
  readonly kind: ProfileKind;
}

function prepare(file: string, text: string, expected: ProfileKind | undefined, opts: ParseOptions): Prepared {
  const { source, problems } = YamlSource.parse(file, text);
  if (problems.length > 0) throw new ProfileErrors(problems);
  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new ProfileErrors([source.error([], 'value', { code: 'syntax', problem: `YAML: ${(err as Error).message}` })]);
  }
  const what = expected ? `a ${expected} profile` : 'a profile';
  if (data === null || data === undefined) {
    throw new ProfileErrors([source.error([], 'value', { code: 'missing_key', problem: `the file is empty; ${what} starts with version: ${PROFILE_VERSION} and kind:` })]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ProfileErrors([source.error([], 'value', { code: 'wrong_type', problem: `${what} is a mapping of keys (version, kind, name, ...), not ${Array.isArray(data) ? 'a list' : `a ${typeof data}`}`, given: data })]);
  }
  const doc = data as RawDocument;
  const errors: ProfileError[] = [];

  const kind = doc['kind'];
  const allowedKinds = expected ? [expected] : [...PROFILE_KINDS];
  if (kind === undefined) {
    errors.push(source.error(['kind'], 'value', { code: 'missing_key', problem: 'missing required key "kind"', allowed: allowedKinds }));
  } else if (typeof kind !== 'string' || !(PROFILE_KINDS as readonly string[]).includes(kind)) {
    const suggestions = typeof kind === 'string' ? suggest(kind, PROFILE_KINDS) : [];
    errors.push(source.error(['kind'], 'value', { code: 'bad_value', problem: `unknown profile kind${didYouMean(suggestions)}`, given: kind, allowed: [...PROFILE_KINDS], suggestions }));
  } else if (expected && kind !== expected) {
    errors.push(source.error(['kind'], 'value', { code: 'bad_value', problem: `this is a ${kind} profile, but ${what} is needed here`, given: kind, allowed: [expected] }));
  }

  let migrated = doc;
  if (!('version' in doc)) {
    errors.push(source.error(['version'], 'value', { code: 'missing_key', problem: `missing required key "version"; profiles written for this eqmorph start with version: ${opts.currentVersion ?? PROFILE_VERSION}` }));
  } else {
    const outcome = migrate(doc, opts.migrations ?? MIGRATIONS, opts.currentVersion ?? PROFILE_VERSION);
    if (outcome.ok) migrated = outcome.doc;
    else errors.push(source.error(['version'], 'value', { code: 'version', problem: outcome.message, given: doc['version'], allowed: outcome.allowed }));
  }
  if (errors.length > 0) throw new ProfileErrors(errors);
  return { source, data: migrated, kind: kind as ProfileKind };
}

function validated<K extends ProfileKind>(p: Prepared, kind: K): K extends 'controller' ? RawController : K extends 'target' ? RawTarget : RawMapping {
  const result = validateWith(SCHEMAS[kind], p.data, p.source);
  if (!result.ok) throw new ProfileErrors(result.errors);
  return result.value as never;
}

function finish<T>(built: { value: T; errors: ProfileError[] }): T {
  if (built.errors.length > 0) throw new ProfileErrors(built.errors);
  return built.value;
}

/** The largest profile or mapping read: real ones are a few kB, and YAML parsing costs time and memory per byte. */
export const MAX_PROFILE_BYTES = 1 << 20;

/** What a profile file is named, after following links: anything else (a system file, a device) is never read. */
const PROFILE_NAME = /\.ya?ml$/i;

async function readText(path: string): Promise<{ file: string; text: string }> {
  const file = resolve(path);
  const refuse = (problem: string) => new ProfileErrors([new ProfileError({ code: 'io', file, line: 0, column: 0, path: '', problem })]);
  try {
    const real = await realpath(file);
    if (!PROFILE_NAME.test(real)) throw refuse(`is not a .yaml or .yml file${real !== file ? ` (it links to ${real})` : ''}; profiles and mappings are YAML files`);
    // Opened once, then checked and read through the same handle: the file cannot be swapped in between.
    const handle = await open(real, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw refuse('is not a regular file; profiles and mappings are YAML files');
      if (info.size > MAX_PROFILE_BYTES) throw refuse(`is ${info.size} bytes; a profile or mapping may be at most ${MAX_PROFILE_BYTES} bytes (1 MiB)`);
      const buf = Buffer.alloc(MAX_PROFILE_BYTES + 1);
      let n = 0;
      for (let r = 1; r > 0 && n < buf.length; n += r) r = (await handle.read(buf, n, buf.length - n, n)).bytesRead;
      if (n > MAX_PROFILE_BYTES) throw refuse(`grew past ${MAX_PROFILE_BYTES} bytes (1 MiB) while being read; a profile or mapping may be at most that`);
      return { file, text: buf.toString('utf8', 0, n) };
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof ProfileErrors) throw err;
    const e = err as NodeJS.ErrnoException;
    const problem = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory, not a profile file' : e.code === 'EACCES' ? 'permission denied' : `cannot read: ${e.code ?? 'error'}`;
    throw refuse(problem);
  }
}

// ---------------------------------------------------------------- from text (no file access except a mapping's references)

/** A controller profile from YAML text; `file` names it in errors. Throws ProfileErrors. */
export function parseControllerProfile(text: string, file: string, opts: ParseOptions = {}): ControllerProfile {
  const p = prepare(resolve(file), text, 'controller', opts);
  return finish(buildController(validated(p, 'controller'), p.source));
}

/** A target profile from YAML text; `file` names it in errors. Throws ProfileErrors. */
export function parseTargetProfile(text: string, file: string, opts: ParseOptions = {}): TargetProfile {
  const p = prepare(resolve(file), text, 'target', opts);
  return finish(buildTarget(validated(p, 'target'), p.source));
}

/** A mapping from YAML text, loading the profiles it names relative to `file`. Throws ProfileErrors. */
export async function parseMapping(text: string, file: string, opts: LoadMappingOptions & ParseOptions = {}): Promise<Mapping> {
  const p = prepare(resolve(file), text, 'mapping', opts);
  return mappingFrom(p, opts);
}

/** Any profile kind from YAML text, dispatching on `kind`. */
export async function parseAnyProfile(text: string, file: string, opts: LoadMappingOptions & ParseOptions = {}): Promise<AnyProfile> {
  const p = prepare(resolve(file), text, undefined, opts);
  switch (p.kind) {
    case 'controller':
      return finish(buildController(validated(p, 'controller'), p.source));
    case 'target':
      return finish(buildTarget(validated(p, 'target'), p.source));
    case 'mapping':
      return mappingFrom(p, opts);
  }
}

async function mappingFrom(p: Prepared, opts: LoadMappingOptions & ParseOptions): Promise<Mapping> {
  const ctx = mappingContext(p, opts);
  const result = validateWith(SCHEMAS.mapping, p.data, p.source);
  if (result.ok) return finish(await buildMapping(result.value, p.source, ctx));
  // One pass reports everything: with the schema's errors come those of the profile files, controls and terms that the
  // rest of the file names, checked on a copy patched just enough to pass the schema.
  const repaired = repairMapping(p.data);
  const more = repaired ? (await buildMapping(repaired.data, p.source, ctx)).errors.filter(repaired.keep) : [];
  throw new ProfileErrors([...result.errors, ...more]);
}

function mappingContext(p: Prepared, opts: LoadMappingOptions & ParseOptions): MappingContext {
  const dir = dirname(p.source.file);
  const cache = new Map<string, Promise<ControllerProfile | TargetProfile>>();
  const load = (kind: 'controller' | 'target', relPath: string) => {
    const file = resolve(dir, relPath);
    const key = `${kind} ${file}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = kind === 'controller' ? loadControllerProfile(file, opts) : loadTargetProfile(file, opts);
      cache.set(key, pending);
    }
    return pending;
  };
  const exists = async (relPath: string) => {
    try {
      return (await stat(resolve(dir, relPath))).isFile();
    } catch {
      return false;
    }
  };
  return { load, exists, knownTerms: opts.knownTerms };
}

// ---------------------------------------------------------------- from files

/** Loads a controller profile (what a control surface sends). Throws ProfileErrors. */
export async function loadControllerProfile(path: string, opts: ParseOptions = {}): Promise<ControllerProfile> {
  const { file, text } = await readText(path);
  return parseControllerProfile(text, file, opts);
}

/** Loads a target profile (what an EQ accepts). Throws ProfileErrors. */
export async function loadTargetProfile(path: string, opts: ParseOptions = {}): Promise<TargetProfile> {
  const { file, text } = await readText(path);
  return parseTargetProfile(text, file, opts);
}

/**
 * Loads a mapping and the controller and target profiles it names (paths relative to the mapping file),
 * cross-checking sources, outputs, terms and each binding against its control. Throws ProfileErrors with every problem found.
 */
export async function loadMapping(path: string, opts: LoadMappingOptions & ParseOptions = {}): Promise<Mapping> {
  const { file, text } = await readText(path);
  return parseMapping(text, file, opts);
}

/** Loads any profile, dispatching on its `kind` (for `eqmorph validate`). Throws ProfileErrors. */
export async function loadAnyProfile(path: string, opts: LoadMappingOptions & ParseOptions = {}): Promise<AnyProfile> {
  const { file, text } = await readText(path);
  return parseAnyProfile(text, file, opts);
}
