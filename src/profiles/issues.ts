// Validates parsed YAML with a zod schema and turns every zod issue into a ProfileError at the offending key or value.

import type { z } from 'zod';
import type { ProfileError, ProfileErrorCode } from './errors.js';
import { UNION_DESCRIPTIONS } from './schema.js';
import type { PathSegment, YamlSource } from './source.js';
import { didYouMean, suggest } from './suggest.js';

/** What the issue callback saw that the finished zod issue no longer carries (the schema that raised it). */
interface Extra {
  allowedKeys?: string[];
  union?: { problem: string; allowed: readonly string[] };
}

const keyOf = (code: string, path: readonly PropertyKey[]) => `${code} ${JSON.stringify(path.map(String))}`;

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  null: 'null',
};

/** Parses `data` with `schema`; on failure returns the problems located in `source`. */
export function validateWith<S extends z.ZodType>(schema: S, data: unknown, source: YamlSource): { ok: true; value: z.output<S> } | { ok: false; errors: ProfileError[] } {
  const extras = new Map<string, Extra>();
  const result = schema.safeParse(data, {
    error: (iss) => {
      const def = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
      if (iss.code === 'unrecognized_keys' && def?.shape) extras.set(keyOf(iss.code, iss.path ?? []), { allowedKeys: Object.keys(def.shape) });
      if (iss.code === 'invalid_union' && iss.inst) {
        const union = UNION_DESCRIPTIONS.get(iss.inst as object);
        if (union) extras.set(keyOf(iss.code, iss.path ?? []), { union });
      }
      return undefined;
    },
  });
  if (result.success) return { ok: true, value: result.data };
  const errors = result.error.issues.flatMap((issue) => toErrors(issue, data, source, extras.get(keyOf(issue.code, issue.path)) ?? {}));
  // A misspelt key shows up twice, as unknown and as missing; the unknown key with its suggestion says it all.
  const suggested = new Set(errors.filter((e) => e.code === 'unknown_key' && e.suggestions.length > 0).map((e) => `${e.path.replace(/\.?[^.[\]]+$|\[[^\]]*\]$/, '')}|${e.suggestions[0]}`));
  const kept = errors.filter((e) => !(e.code === 'missing_key' && suggested.has(`${e.path.replace(/\.?[^.[\]]+$|\[[^\]]*\]$/, '')}|${e.path.split('.').pop()}`)));
  return { ok: false, errors: kept };
}

function toErrors(issue: z.core.$ZodIssue, data: unknown, source: YamlSource, extra: Extra): ProfileError[] {
  const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const given = valueAt(data, path);
  const at = (code: ProfileErrorCode, problem: string, more: { allowed?: readonly string[]; suggestions?: readonly string[]; target?: 'key' | 'value'; givenValue?: unknown; noGiven?: boolean } = {}) =>
    source.error(path, more.target ?? 'value', {
      code,
      problem,
      ...(more.noGiven ? {} : { given: 'givenValue' in more ? more.givenValue : given }),
      ...(more.allowed ? { allowed: more.allowed } : {}),
      ...(more.suggestions ? { suggestions: more.suggestions } : {}),
    });

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = extra.allowedKeys ?? [];
      return issue.keys.map((key) => {
        const suggestions = suggest(key, allowed);
        let hint = didYouMean(suggestions);
        const other = key === 'osc' ? 'midi' : key === 'midi' ? 'osc' : null;
        if (!hint && other && allowed.includes(other)) hint = `; this profile's transport is ${other}, so this takes ${other}:`;
        return source.error([...path, key], 'key', { code: 'unknown_key', problem: `unknown key "${key}"${hint}`, given: key, allowed, suggestions });
      });
    }
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (given === undefined) {
        const key = path[path.length - 1];
        return [at('missing_key', typeof key === 'number' ? `missing item ${key}` : `missing required key "${String(key)}" (${expected})`, { noGiven: true })];
      }
      if (issue.expected === 'int' && typeof given === 'number') return [at('wrong_type', 'must be a whole number', { allowed: [expected] })];
      return [at('wrong_type', `expected ${expected}, got ${describeType(given)}`, { allowed: [expected] })];
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const suggestions = typeof given === 'string' ? suggest(given, allowed) : [];
      const problem = allowed.length === 1 ? `must be ${allowed[0]}` : `must be one of the allowed values${didYouMean(suggestions)}`;
      return [at(given === undefined ? 'missing_key' : 'bad_value', problem, { allowed, suggestions })];
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const allowed = ((issue as { options?: unknown[] }).options ?? []).map(String);
        const key = String(issue.discriminator);
        if (given === undefined) return [at('missing_key', `missing required key "${key}"`, { allowed, noGiven: true })];
        const suggestions = typeof given === 'string' ? suggest(given, allowed) : [];
        return [at('bad_value', `unknown ${key}${didYouMean(suggestions)}`, { allowed, suggestions })];
      }
      if (extra.union) {
        if (given === undefined) return [at('missing_key', `missing required key "${String(path[path.length - 1])}"`, { allowed: extra.union.allowed, noGiven: true })];
        return [at('wrong_type', extra.union.problem, { allowed: extra.union.allowed })];
      }
      return [at('wrong_type', 'does not match any allowed form')];
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      const inclusive = issue.inclusive !== false;
      let problem: string;
      if (issue.origin === 'array' || issue.origin === 'set') problem = `needs ${small ? 'at least' : 'at most'} ${bound} item${Number(bound) === 1 ? '' : 's'}`;
      else if (issue.origin === 'string') problem = small && Number(bound) === 1 ? 'must not be empty' : `must be ${small ? 'at least' : 'at most'} ${bound} characters`;
      else problem = `must be ${small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${bound}`;
      return [at('out_of_range', problem)];
    }
    case 'invalid_format':
      return [at('bad_value', issue.message)];
    case 'invalid_key': {
      const key = path[path.length - 1];
      const reason = issue.issues[0]?.message ?? 'not allowed here';
      return [source.error(path, 'key', { code: 'bad_value', problem: `key "${String(key)}" ${reason}`, given: key })];
    }
    case 'invalid_element':
      return [at('bad_value', issue.message)];
    case 'custom':
      return [at('invalid', issue.message, { givenValue: (issue as { input?: unknown }).input ?? given })];
    default:
      return [at('invalid', issue.message)];
  }
}
