import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { bandLayoutProblem, layoutDecoders } from '../../src/cli/run.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import { loadMapping } from '../../src/profiles/load.js';

test('an X32 mapping runs: its output gets a fitted decoder, an unchanged layout keeps it across a reload', async () => {
  await initBackend();
  const decoder = new CachedDecoder(await EqModel.load(DEFAULT_MODEL_DIR));
  const mapping = await loadMapping('mappings/nanokontrol2-x32.yaml');
  assert.equal(bandLayoutProblem(mapping), null);
  const first = layoutDecoders(mapping, decoder);
  assert.deepEqual([...first.keys()], ['x32']);
  assert.equal(first.get('x32')!.specs.length, 4);
  const reloaded = layoutDecoders(await loadMapping('mappings/nanokontrol2-x32.yaml'), decoder, first);
  assert.equal(reloaded.get('x32'), first.get('x32'), 'same decoder, so its fitted tables survive the reload');
  // eqmorph's own five-band target needs none.
  assert.equal(layoutDecoders(await loadMapping('mappings/default.yaml'), decoder).size, 0);
});
