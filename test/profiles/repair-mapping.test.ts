// One pass reports every problem of a mapping: the schema's, and those of the profile files, controls and terms that the
// rest of the file names; the patches that make this possible add no problems of their own.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { ProfileErrors } from '../../src/profiles/errors.js';
import { loadMapping, parseMapping } from '../../src/profiles/load.js';
import type { KnownTerms } from '../../src/profiles/types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const WORDS = ['warm', 'bright', 'clear', 'dark', 'dry', 'metallic', 'large', 'loud', 'full', 'airy'];
const knownTerms: KnownTerms = (t) => WORDS.includes(t) || { suggestions: [] };

async function problems(load: () => Promise<unknown>): Promise<{ code: string; path: string }[]> {
  try {
    await load();
  } catch (err) {
    if (err instanceof ProfileErrors) return err.errors.map((e) => ({ code: e.code, path: e.path }));
    throw err;
  }
  return [];
}

test('schema errors, a missing profile file, an unknown control and unknown terms are reported together', async () => {
  const found = await problems(() => loadMapping(join(FIXTURES, 'invalid/mapping-every-stage.yaml'), { knownTerms }));
  // In file order, as ProfileErrors lists them.
  assert.deepEqual(found, [
    { code: 'unknown_key', path: 'colour' },
    { code: 'unknown_key', path: 'inputs.surface.midi.prot' },
    { code: 'reference', path: 'outputs.eq.profile' },
    { code: 'unknown_term', path: 'instances[0].initial.term_b' },
    { code: 'bad_value', path: 'instances[0].bindings[0].takeover' },
    { code: 'reference', path: 'instances[0].bindings[1].source' },
    { code: 'unknown_term', path: 'instances[0].bindings[2].value' },
    { code: 'unknown_key', path: 'instances[0].bindings[3].valeu' },
  ]);
});

const SHIPPED = readdirSync('mappings').filter((f) => f.endsWith('.yaml'));

/** Each way to break one field: where it is, and what to put there. */
const BREAKS: { what: string; at: (doc: Record<string, any>) => [Record<string, any>, string, string]; value: unknown }[] = [
  { what: 'a wrong type in initial', at: (d) => [d.instances[0].initial, 'alpha', 'instances[0].initial.alpha'], value: 'half' },
  { what: 'an unknown takeover', at: (d) => [d.instances[0].bindings[0], 'takeover', 'instances[0].bindings[0].takeover'], value: 'grab' },
  { what: 'an unknown key in a binding', at: (d) => [d.instances[0].bindings[0], 'colour', 'instances[0].bindings[0].colour'], value: 'red' },
  { what: 'an unknown key in an input', at: (d) => [Object.values(d.inputs)[0] as Record<string, any>, 'colour', `inputs.${Object.keys(d.inputs)[0]}.colour`], value: 'red' },
  { what: 'a bad instance name', at: (d) => [d.instances[0], 'name', 'instances[0].name'], value: 'no spaces allowed' },
];

for (const b of BREAKS) {
  test(`${b.what} in any shipped mapping is its only problem: the rest checks out in the same pass`, async () => {
    for (const f of SHIPPED) {
      const doc = parse(readFileSync(join('mappings', f), 'utf8')) as Record<string, any>;
      const [obj, key, path] = b.at(doc);
      obj[key] = b.value;
      const found = await problems(() => parseMapping(stringify(doc), join('mappings', f), { knownTerms }));
      assert.deepEqual(found.map((p) => p.path), [path], f);
    }
  });
}
