import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAND_SPECS, SHELF_Q } from '../../src/eq/bands.js';
import { isNativeLayout, targetLayout } from '../../src/morph/band-layout.js';
import { loadTargetProfile } from '../../src/profiles/load.js';
import { parseTargetProfile } from '../../src/profiles/load.js';

const x32 = await loadTargetProfile('firmware-profiles/targets/behringer-x32-channel.yaml');

test("eqmorph's own five-band layout is sent one to one; the X32's four bands are fitted", async () => {
  assert.equal(isNativeLayout(await loadTargetProfile('firmware-profiles/targets/eqmorph-osc.yaml')), true);
  assert.equal(isNativeLayout(await loadTargetProfile('firmware-profiles/targets/generic-midi-cc.yaml')), true);
  assert.equal(isNativeLayout(x32), false);
});

test("a fitted layout takes the target's gain and Q ranges and eqmorph's frequency range per band type", () => {
  const layout = targetLayout(x32);
  assert.ok(layout.ok);
  assert.deepEqual(layout.specs.map((s) => s.type), ['lowshelf', 'peaking', 'peaking', 'highshelf']);
  for (const s of layout.specs) {
    assert.deepEqual(s.gain, { min: -15, max: 15 });
    assert.deepEqual(s.q, { min: 0.3, max: 10 });
  }
  assert.deepEqual(layout.specs[0]!.freq, BAND_SPECS[0]!.freq); // 20..20k narrowed to eqmorph's low shelf 22..1000
  assert.deepEqual(layout.specs[1]!.freq, { min: 82, max: 10000 });
  assert.deepEqual(layout.specs[3]!.freq, BAND_SPECS[4]!.freq);
  assert.deepEqual(layout.specs.map((s) => s.fixedQ), [SHELF_Q, null, null, SHELF_Q]);
});

test('a target band without a frequency parameter cannot be fitted, and says which band', () => {
  const t = parseTargetProfile(
    `version: 1
kind: target
name: gains only
transport: osc
bands: [peaking, peaking]
parameters:
  gain: { osc: { address: '/b/{band}/g', type: f } }
`,
    'gains.yaml',
  );
  const layout = targetLayout(t);
  assert.equal(layout.ok, false);
  assert.match(!layout.ok ? layout.problem : '', /band 1 has no freq parameter/);
});
