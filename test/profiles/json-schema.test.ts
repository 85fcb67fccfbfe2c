// The committed schema/*.schema.json files are exactly what the zod schemas generate, and they describe real profiles.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { jsonSchemas, SCHEMA_DIR } from '../../src/profiles/json-schema.js';

test('each committed JSON Schema file matches the schema generated now (run src/profiles/json-schema.ts if not)', () => {
  for (const [name, text] of Object.entries(jsonSchemas())) {
    assert.equal(readFileSync(join(SCHEMA_DIR, name), 'utf8'), text, `${name} is stale: node --import tsx src/profiles/json-schema.ts`);
  }
});

test('the schemas forbid unknown keys and tag their kind and version', () => {
  for (const [name, text] of Object.entries(jsonSchemas())) {
    const kind = name.replace('.schema.json', '');
    assert.ok(text.includes('"additionalProperties": false'), `${name} is strict`);
    assert.ok(text.includes(`"const": "${kind}"`), `${name} fixes kind: ${kind}`);
    const doc = JSON.parse(text) as { $id: string; title: string };
    assert.match(doc.title, /eqmorph/);
    assert.equal(doc.$id, `urn:eqmorph:schema:${kind}`);
  }
});
