import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { eqmorph } from '../support/cli.js';

// The datasets do not ship with eqmorph: a command that needs one and cannot find it says where to get it and which flag to pass.
const missing = (name: string) => join(tmpdir(), 'eqmorph-no-such-dataset', name);

test('eval without SAFE-DB names the file it looked for, where to get it and --data, exit 2', async () => {
  const r = await eqmorph('eval', '--data', missing('SAFEEqualiserUserData.csv'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /eqmorph-no-such-dataset\/SAFEEqualiserUserData\.csv: .*does not ship with eqmorph: .*SAFE project.* pass --data PATH\n$/);
});

test('vocab without SocialEQ names the file, where to get it and --socialeq, exit 2', async () => {
  const r = await eqmorph('vocab', '--socialeq', missing('eqdescriptors.json'), '--out', missing('model'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /eqdescriptors\.json: .*do not ship with eqmorph: .*Audealize.* pass --socialeq PATH/);
});
