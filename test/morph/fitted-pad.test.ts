import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { meanAbsDiffDb, responseDb } from '../../src/eq/response.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { readSoundMap } from '../../src/model/sound-map-file.js';
import { targetLayout } from '../../src/morph/band-layout.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import { FittedDecoder } from '../../src/morph/fitted-decoder.js';
import type { Corners } from '../../src/morph/morph-state.js';
import { loadTargetProfile } from '../../src/profiles/load.js';

// The pad and the map on a mixer with its own band layout (the X32 channel's four bands), against the shipped model.
let decoder: CachedDecoder;
let four: FittedDecoder;
const corners: Corners = ['warm', 'bright', 'clear', 'warm'];

before(async () => {
  await initBackend();
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  decoder = new CachedDecoder(model, { soundMap: readSoundMap(DEFAULT_MODEL_DIR)!.points });
  decoder.preparePad(corners);
  decoder.map!.build();
  const layout = targetLayout(await loadTargetProfile('firmware-profiles/targets/behringer-x32-channel.yaml'));
  assert.ok(layout.ok);
  four = new FittedDecoder(decoder, layout.specs);
});

test("a pad stroke on a 4-band target gives the target's bands, close to eqmorph's own pad and moving continuously", () => {
  let previous: number[] | null = null;
  for (let i = 0; i <= 20; i++) {
    const x = i / 20;
    const bands = four.decodeXY(corners, x, 0.6);
    assert.equal(bands.length, 4);
    const own = responseDb(decoder.decodeXY(corners, x, 0.6), DEFAULT_GRID);
    const here = responseDb(bands, DEFAULT_GRID);
    assert.ok(meanAbsDiffDb(here, own) < 1, `x ${x}: ${meanAbsDiffDb(here, own)} dB from eqmorph's pad`);
    if (previous) assert.ok(meanAbsDiffDb(here, previous) < 0.5, `x ${x}: jumped`);
    previous = Array.from(here);
  }
});

test("a map point on a 4-band target gives the target's bands, close to eqmorph's own", () => {
  const bands = four.decodeMap(0.3, 0.6);
  assert.equal(bands.length, 4);
  assert.ok(meanAbsDiffDb(responseDb(bands, DEFAULT_GRID), responseDb(decoder.decodeMap(0.3, 0.6), DEFAULT_GRID)) < 1);
});
