import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateCommand } from '../../src/cli/validate.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
}

test('eqmorph validate passes on every shipped profile and mapping', async () => {
  const files = [...yamlFiles('firmware-profiles'), ...yamlFiles('mappings')];
  assert.ok(files.length >= 4);
  const out: string[] = [];
  const code = await validateCommand(files, { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) });
  assert.equal(code, 0, out.join(''));
});
