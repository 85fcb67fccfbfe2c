// For all inputs: whatever text a profile file holds, the loader returns a profile or throws ProfileErrors, never anything else.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { ProfileError, ProfileErrors } from '../../src/profiles/errors.js';
import { parseAnyProfile } from '../../src/profiles/load.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const FILE = join(FIXTURES, 'mappings', 'generated.yaml');
const SEEDS = ['controllers/midi-surface.yaml', 'controllers/osc-surface.yaml', 'targets/osc-eq.yaml', 'targets/midi-eq.yaml', 'mappings/default.yaml'].map((p) =>
  readFileSync(join(FIXTURES, p), 'utf8'),
);

async function loadsOrReports(text: string): Promise<void> {
  try {
    await parseAnyProfile(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ProfileErrors, `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.ok(err.errors.length > 0);
    for (const e of err.errors) {
      assert.ok(e instanceof ProfileError);
      assert.ok(Number.isInteger(e.line) && Number.isInteger(e.column) && e.line >= 0 && e.column >= 0);
      assert.ok(e.message.startsWith(e.file));
    }
  }
}

const token = fc.constantFrom(
  'version', 'kind', 'controller', 'target', 'mapping', 'name', 'transport', 'midi', 'osc', 'controls', 'type', 'cc', 'cc14', 'nrpn', 'note',
  'channel', 'number', 'numbers', 'bands', 'parameters', 'scaling', 'physical', 'linear', 'inputs', 'outputs', 'instances', 'bindings',
  'source', 'target', 'alpha', 'term_a', 'profile', 'takeover', 'band_overrides', '1', '0', '-1', '17', '1.5', '1e999', 'null', 'true', '~',
  ':', ': ', '- ', '{', '}', '[', ']', ',', '"', "'", '&a ', '*a', '!!str ', '!!binary ', '? ', '#', '---', '...', '|', '>', '\t', ' ', '  ', '\n', '\n  ', '\n    ',
  '../controllers/osc-surface.yaml', '/eq/{band}', '__proto__', 'constructor', '<<',
);
const yamlish = fc.array(token, { maxLength: 80 }).map((t) => t.join(''));

/** A valid profile with a few characters inserted, deleted or replaced. */
const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 6 }), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 4 }))
  .map(([seed, edits]) => edits.reduce((s, [at, del, ins]) => s.slice(0, at % (s.length + 1)) + ins + s.slice((at % (s.length + 1)) + del), seed));

test('arbitrary strings never make the loader throw anything but ProfileErrors', async () => {
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), loadsOrReports), { numRuns: 300 });
});

test('YAML-ish token soup never makes the loader throw anything but ProfileErrors', async () => {
  await fc.assert(fc.asyncProperty(yamlish, loadsOrReports), { numRuns: 500 });
});

test('slightly broken real profiles never make the loader throw anything but ProfileErrors', async () => {
  await fc.assert(fc.asyncProperty(mutated, loadsOrReports), { numRuns: 300 });
});

test('alias bombs are refused as errors, not hangs', async () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
  await assert.rejects(parseAnyProfile(`version: 1\nkind: controller\n${bomb}\n`, FILE), (err) => {
    assert.ok(err instanceof ProfileErrors, `threw ${String(err)}`);
    assert.ok(err.errors.length > 0);
    return true;
  });
});
