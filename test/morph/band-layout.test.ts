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

type Scaling = import('../../src/profiles/types.js').TargetScaling;
type Kind = import('../../src/eq/bands.js').BandType;
const param = (scaling: Scaling) => ({ wire: { transport: 'osc', address: '/p', type: 'f' } as const, scaling });
/** A target from its bands: each a type and its parameters' scalings (null: the target has no such parameter). */
function target(bands: { type: Kind; gain: Scaling | null; freq: Scaling | null; q?: Scaling | null }[]): import('../../src/profiles/types.js').TargetProfile {
  return {
    kind: 'target',
    version: 1,
    name: 't',
    file: 't.yaml',
    transport: 'osc',
    bands: bands.map((b, i) => ({
      number: i + 1,
      type: b.type,
      bandType: null,
      params: { gain: b.gain && param(b.gain), freq: b.freq && param(b.freq), q: b.q ? param(b.q) : null },
    })),
  };
}
const specsOf = (t: ReturnType<typeof target>) => {
  const layout = targetLayout(t);
  assert.ok(layout.ok, JSON.stringify(layout));
  return layout.specs;
};
const problemOf = (t: ReturnType<typeof target>) => {
  const layout = targetLayout(t);
  assert.ok(!layout.ok);
  return layout.problem;
};
const dB = { kind: 'linear', min: -15, max: 15 } as const;

test('five bands in another order, or another number of bands, are not the native layout', () => {
  const five = (types: Kind[]) => target(types.map((type) => ({ type, gain: dB, freq: { kind: 'physical' } })));
  assert.equal(isNativeLayout(five(['lowshelf', 'peaking', 'peaking', 'peaking', 'highshelf'])), true);
  assert.equal(isNativeLayout(five(['lowshelf', 'peaking', 'peaking', 'highshelf', 'highshelf'])), false);
  assert.equal(isNativeLayout(five(['lowshelf', 'peaking', 'peaking', 'peaking', 'highshelf', 'peaking'])), false);
});

test('each scaling gives its range: physical its min and max or the fallback, a table its extremes, fixed-point its min and max', () => {
  const [free, bounded, table, fixed] = specsOf(
    target([
      { type: 'peaking', gain: { kind: 'physical' }, freq: { kind: 'physical' } },
      { type: 'peaking', gain: { kind: 'physical', min: -6, max: 6 }, freq: { kind: 'physical', min: 100, max: 2000 } },
      { type: 'peaking', gain: { kind: 'table', values: [3, -9, 0, 6] }, freq: { kind: 'log', min: 20, max: 20000 }, q: { kind: 'table', values: [4, 0.5, 2] } },
      { type: 'peaking', gain: { kind: 'fixed-point', factor: 100, min: -18, max: 18 }, freq: { kind: 'fixed-point', factor: 10, min: 50, max: 5000 } },
    ]),
  );
  assert.deepEqual([free!.gain, free!.freq, free!.q], [{ min: -12, max: 12 }, { min: 82, max: 10000 }, { min: 0.1, max: 10 }]);
  assert.deepEqual([bounded!.gain, bounded!.freq], [{ min: -6, max: 6 }, { min: 100, max: 2000 }]);
  assert.deepEqual([table!.gain, table!.q], [{ min: -9, max: 6 }, { min: 0.5, max: 4 }]);
  assert.deepEqual([fixed!.gain, fixed!.freq], [{ min: -18, max: 18 }, { min: 82, max: 5000 }]);
});

test('a peaking band without a Q is fitted at Q 1; a shelf keeps the shelf Q clamped into the target Q range', () => {
  const specs = specsOf(
    target([
      { type: 'peaking', gain: dB, freq: { kind: 'physical' } },
      { type: 'lowshelf', gain: dB, freq: { kind: 'physical' }, q: { kind: 'linear', min: 1, max: 10 } },
      { type: 'highshelf', gain: dB, freq: { kind: 'physical' } },
    ]),
  );
  assert.deepEqual(specs.map((s) => s.fixedQ), [1, 1, SHELF_Q]);
});

test('a band without gain, with a gain range that misses 0 dB, or with a frequency range outside eqmorph’s for its type is refused, saying why', () => {
  assert.equal(problemOf(target([{ type: 'peaking', gain: null, freq: { kind: 'physical' } }])), "band 1 has no gain parameter, so its layout cannot be fitted to eqmorph's response");
  for (const gain of [{ kind: 'linear', min: 0, max: 15 }, { kind: 'linear', min: -15, max: 0 }] as const) {
    assert.equal(
      problemOf(target([{ type: 'peaking', gain: dB, freq: { kind: 'physical' } }, { type: 'peaking', gain, freq: { kind: 'physical' } }])),
      `band 2's gain range ${gain.min}..${gain.max} dB does not contain 0 dB, so it cannot be fitted`,
    );
  }
  assert.equal(problemOf(target([{ type: 'lowshelf', gain: dB, freq: { kind: 'log', min: 1000, max: 20000 } }])), "band 1's frequency range 1000..20000 Hz misses eqmorph's lowshelf range 22..1000 Hz");
});
