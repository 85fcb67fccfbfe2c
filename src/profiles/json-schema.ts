// Writes the JSON Schema of each profile kind to schema/*.schema.json, so YAML editors complete and lint profiles.
//
// Regenerate with `node --import tsx src/profiles/json-schema.ts`. To use one in an editor with the YAML language
// server (VS Code's YAML extension and others), put this first line in a profile, with a path relative to the file:
//   # yaml-language-server: $schema=../../schema/controller.schema.json
// or map globs to schemas in the editor settings ("yaml.schemas": { "schema/mapping.schema.json": "mappings/*.yaml" }).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SCHEMAS } from './schema.js';

export type SchemaKind = keyof typeof SCHEMAS;

/** The repository's schema/ directory. */
export const SCHEMA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../schema');

const TITLES: Record<SchemaKind, string> = {
  controller: 'eqmorph controller profile',
  target: 'eqmorph target profile',
  mapping: 'eqmorph mapping',
};

/** The JSON Schema documents, by file name, as the text written to disk. */
export function jsonSchemas(): Record<`${SchemaKind}.schema.json`, string> {
  const out = {} as Record<`${SchemaKind}.schema.json`, string>;
  for (const kind of Object.keys(SCHEMAS) as SchemaKind[]) {
    // io: 'input' describes what a user writes (defaults make keys optional), not what the loader returns.
    const schema = z.toJSONSchema(SCHEMAS[kind], { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw', reused: 'ref' });
    const doc = { $schema: schema.$schema, $id: `urn:eqmorph:schema:${kind}`, title: TITLES[kind], ...schema };
    out[`${kind}.schema.json`] = `${JSON.stringify(doc, null, 2)}\n`;
  }
  return out;
}

/** Writes every schema file into `dir` and returns the paths written. */
export function writeJsonSchemas(dir: string = SCHEMA_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(jsonSchemas()).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const path of writeJsonSchemas()) process.stdout.write(`wrote ${path}\n`);
}
