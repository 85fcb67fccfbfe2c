// `eqmorph validate` prints ok or located errors per file and exits 0 only when every file is valid.

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateCommand } from '../../src/cli/validate.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await validateCommand(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

test('valid files print ok with kind and name and exit 0', async () => {
  const file = join(FIXTURES, 'mappings/default.yaml');
  const r = await run([file, join(FIXTURES, 'targets/osc-eq.yaml')]);
  assert.equal(r.code, 0);
  assert.match(r.out, new RegExp(`^ok  ${file} \\(mapping, Default \\(two surfaces\\)\\)$`, 'm'));
  assert.match(r.out, /\(target, eqmorph generic OSC EQ\)/);
});

test('an invalid file prints each problem with file:line:col and exits 2', async () => {
  const file = join(FIXTURES, 'invalid/mapping-bad-refs.yaml');
  const r = await run([join(FIXTURES, 'controllers/osc-surface.yaml'), file]);
  assert.equal(r.code, 2);
  assert.match(r.out, /^ok  .*osc-surface\.yaml/m);
  assert.match(r.out, /^bad .*mapping-bad-refs\.yaml \(\d+ problems\)$/m);
  assert.match(r.out, /mapping-bad-refs\.yaml:16:49: instances\[0\]\.bindings\[1\]\.takeover: takeover is for absolute controls/);
});

test('--help prints usage and exits 0; no files is a usage error', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /^eqmorph validate \[--model DIR\] FILE\.\.\./);
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.err, /give at least one file/);
});

test('validate checks a mapping against the model: an unknown initial term is reported with the schema errors', async () => {
  const r = await run([join(FIXTURES, 'invalid/mapping-every-stage.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.out, /^bad .*mapping-every-stage\.yaml \(8 problems\)$/m);
  assert.match(r.out, /:13:38: instances\[0\]\.initial\.term_b: the model does not know the term "brihgt"; did you mean "bright"/);
  assert.match(r.out, /:9:18: outputs\.eq\.profile: no target profile file at this path/);
});
