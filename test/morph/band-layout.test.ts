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
  // The shelves' Q is the desk's step nearest eqmorph's 0.71: Q is logf [10, 0.3, 72], step 17 of 71 counted from 0.3.
  const shelfQ = 0.3 * (10 / 0.3) ** (17 / 71);
  assert.ok(Math.abs(shelfQ - SHELF_Q) < 0.02);
  assert.deepEqual(layout.specs.map((s) => (s.fixedQ === null ? null : Number(s.fixedQ.toFixed(12)))), [shelfQ, null, null, shelfQ].map((q) => (q === null ? null : Number(q.toFixed(12)))));
  // The desk's steps (Maillot: f logf [20, 20000, 201], g linf [-15, 15, 0.25], q logf [10, 0.3, 72]) go with every band.
  for (const s of layout.specs) {
    assert.deepEqual(s.steps?.gain, { kind: 'linear', min: -15, max: 15, count: 121 });
    assert.deepEqual(s.steps?.freq, { kind: 'log', min: 20, max: 20000, count: 201 });
    assert.deepEqual(s.steps?.q, { kind: 'log', min: 0.3, max: 10, count: 72 });
  }
});

test('a target with continuous or fine scales has no steps in its layout', async () => {
  const dm7 = targetLayout(await loadTargetProfile('firmware-profiles/targets/yamaha-dm7-channel.yaml'));
  assert.ok(dm7.ok);
  for (const s of dm7.specs) assert.equal(s.steps?.gain ?? s.steps?.freq ?? s.steps?.q, undefined);
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
