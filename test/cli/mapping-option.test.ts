import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/errors.js';
import { DEFAULT_MAPPING, resolveMappingOption, SHIPPED_MAPPINGS_DIR, shippedMappingNames } from '../../src/cli/mapping-option.js';
import { shippedMappings } from '../../src/cli/mappings.js';

test('no --mapping means the shipped default mapping', () => {
  assert.equal(resolveMappingOption(undefined), DEFAULT_MAPPING);
});

test('a bare name that is not a file here is a shipped mapping, found in the package', () => {
  assert.equal(resolveMappingOption('korg-nanokontrol2'), join(SHIPPED_MAPPINGS_DIR, 'korg-nanokontrol2.yaml'));
});

test('a file in the working directory wins over a shipped mapping of the same name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-mapping-'));
  const cwd = process.cwd();
  try {
    writeFileSync(join(dir, 'default'), 'version: 1\n');
    process.chdir(dir);
    assert.equal(resolveMappingOption('default'), join(dir, 'default'));
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true });
  }
});

test('a path that does not exist is passed on for the loader to report with its path', () => {
  assert.equal(resolveMappingOption('rigs/missing.yaml'), resolve('rigs/missing.yaml'));
});

test('an unknown bare name is a usage error that lists the shipped mappings', () => {
  assert.throws(() => resolveMappingOption('nanokontrol'), (err: unknown) => err instanceof UsageError && /no shipped mapping of that name; shipped mappings: .*korg-nanokontrol2/.test(err.message));
});

test('eqmorph mappings lists every shipped mapping with its controllers and targets', async () => {
  const list = await shippedMappings();
  const files = readdirSync(SHIPPED_MAPPINGS_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
  assert.deepEqual(list.map((m) => m.name), files);
  assert.deepEqual(shippedMappingNames(), files);
  const x32 = list.find((m) => m.name === 'nanokontrol2-x32')!;
  assert.deepEqual([x32.controllers, x32.targets, x32.instances], [['korg-nanokontrol2'], ['behringer-x32-channel'], 8]);
  for (const m of list) assert.ok(m.description.length > 0 && m.controllers.length > 0 && m.targets.length > 0, m.name);
});
