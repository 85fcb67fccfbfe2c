import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_WEB } from '../../src/web/access.js';

test("the page's default port is one no shipped mapping, target or example uses (Open Stage Control's is 8080)", () => {
  const files = [
    ...readdirSync('mappings').map((f) => `mappings/${f}`),
    ...readdirSync('firmware-profiles/targets').map((f) => `firmware-profiles/targets/${f}`),
    'examples/eqmorph.json',
  ];
  const used = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?::|port: )(\d{2,5})\b/g)].map((m) => Number(m[1]))));
  assert.ok(used.has(8080) && used.has(9000) && used.has(10023), 'the ports in the files are found');
  assert.equal(used.has(DEFAULT_WEB.port), false);
});
