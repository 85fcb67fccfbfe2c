// A mapping with schema errors, patched just enough to pass the schema, so that its profile files, controls and terms
// can still be checked in the same pass; says which later errors are artefacts of the patches — pure.

import type { ProfileError } from './errors.js';
import { mappingSchema, type RawMapping } from './schema.js';
import { formatPath, type PathSegment } from './source.js';

export interface RepairedMapping {
  readonly data: RawMapping;
  /** Whether an error found in the patched mapping is real (true) or comes from a patch (false). */
  readonly keep: (e: ProfileError) => boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A binding's errors that stand whatever else is wrong with it: an unknown input or control, an unknown term. */
const realInBinding = (e: ProfileError, at: string) => e.code === 'unknown_term' || (e.code === 'reference' && e.path === `${at}.source`);

const INITIAL_PLACEHOLDER: Obj = { term_a: 'warm', term_b: 'bright', alpha: 0, strength: 1, bypass: false };

export function repairMapping(original: unknown): RepairedMapping | null {
  if (!isObj(original)) return null;
  const d = structuredClone(original);
  /** Path prefix -> the errors under it that are still worth reporting. */
  const under = new Map<string, (e: ProfileError) => boolean>();
  const removed = { inputs: new Set<string>(), outputs: new Set<string>() };
  const drop = (path: PathSegment[], keep: (e: ProfileError) => boolean = () => false) => under.set(formatPath(path), keep);

  for (let round = 0; round < 3; round++) {
    const r = mappingSchema.safeParse(d);
    if (r.success) {
      const keep = (e: ProfileError) => {
        for (const [prefix, ok] of under) if ((e.path === prefix || e.path.startsWith(`${prefix}.`) || e.path.startsWith(`${prefix}[`)) && !ok(e)) return false;
        // What referred to a removed input or output cannot be judged; its own error is already reported.
        if (e.code === 'reference' && typeof e.given === 'string') {
          if (removed.outputs.has(e.given) || removed.inputs.has(e.given.split('.')[0]!)) return false;
        }
        return true;
      };
      return { data: r.data, keep };
    }
    for (const issue of r.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : null;
      if (!patch(d, path, keys, round > 0, drop, removed)) return null;
    }
  }
  return null;
}

function patch(
  d: Obj,
  path: PathSegment[],
  unknownKeys: readonly string[] | null,
  coarse: boolean,
  drop: (path: PathSegment[], keep?: (e: ProfileError) => boolean) => void,
  removed: { inputs: Set<string>; outputs: Set<string> },
): boolean {
  const parent = path.reduce<unknown>((o, k) => (isObj(o) || Array.isArray(o) ? (o as Obj)[k as string] : undefined), d);
  const [top, name, field, sub, leaf] = path;
  if (unknownKeys && isObj(parent) && !coarse) {
    for (const k of unknownKeys) delete parent[k];
    // What the unknown key was meant to say is missing now; errors about that are artefacts.
    if ((top === 'inputs' || top === 'outputs') && name !== undefined) drop([top, name]);
    else if (top === 'instances' && field === 'bindings' && typeof sub === 'number') {
      const at = formatPath(path);
      drop(path, (e) => realInBinding(e, at));
    }
    return true;
  }
  switch (top) {
    case undefined:
      return false;
    case 'version':
    case 'kind':
    case 'name':
      d[top] = top === 'version' ? 1 : top === 'kind' ? 'mapping' : 'unnamed';
      return true;
    case 'description':
    case 'on_exit':
      delete d[top];
      return true;
    case 'inputs':
    case 'outputs': {
      const group = d[top];
      if (!isObj(group) || name === undefined) {
        d[top] = {};
        return true;
      }
      const entry = group[name];
      // A bad connection: keep the profile so that its controls are still checked; only the connection's errors go.
      if (!coarse && isObj(entry) && typeof entry['profile'] === 'string' && entry['profile'] !== '' && field !== 'profile') {
        group[name] = { profile: entry['profile'] };
        drop([top, name]);
      } else {
        delete group[name];
        removed[top].add(String(name));
      }
      return true;
    }
    case 'instances': {
      const list = d['instances'];
      if (!Array.isArray(list) || typeof name !== 'number') return false;
      const inst = list[name];
      if (!isObj(inst) || field === undefined) {
        list[name] = { name: `instance${name}`, output: firstKey(d['outputs']), initial: { ...INITIAL_PLACEHOLDER }, bindings: [] };
        drop(['instances', name]);
        return true;
      }
      if (field === 'bindings') {
        const bindings = inst['bindings'];
        if (!Array.isArray(bindings) || typeof sub !== 'number') {
          inst['bindings'] = [];
          return true;
        }
        const b = bindings[sub];
        const at = formatPath(['instances', name, 'bindings', sub]);
        if (!coarse && isObj(b) && leaf !== undefined && leaf !== 'source' && leaf !== 'target') delete b[leaf];
        else bindings[sub] = { source: isObj(b) && typeof b['source'] === 'string' ? b['source'] : 'x.x', target: 'dump' };
        drop(['instances', name, 'bindings', sub], (e) => realInBinding(e, at));
        return true;
      }
      if (field === 'initial') {
        const initial = inst['initial'];
        if (isObj(initial) && typeof sub === 'string' && sub in INITIAL_PLACEHOLDER && !coarse) initial[sub] = INITIAL_PLACEHOLDER[sub];
        else inst['initial'] = { ...INITIAL_PLACEHOLDER };
        drop(['instances', name, 'initial', ...(isObj(initial) && typeof sub === 'string' && !coarse ? [sub] : [])]);
        return true;
      }
      if (field === 'name') inst['name'] = `instance${name}`;
      else if (field === 'output') inst['output'] = firstKey(d['outputs']);
      else delete inst[field];
      drop(['instances', name, field]);
      return true;
    }
    default:
      return false;
  }
}

function firstKey(v: unknown): string {
  return (isObj(v) && Object.keys(v)[0]) || 'output';
}
