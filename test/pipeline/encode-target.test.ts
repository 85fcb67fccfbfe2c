import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Band } from '../../src/eq/bands.js';
import type { Db, Hz, Q } from '../../src/eq/units.js';
import { encodeFixed, encodeTargetFrame, midiBytes, oscOut, sameWire, scaleToWire, unsent, type WireMessage } from '../../src/pipeline/encode-target.js';
import type { TargetProfile } from '../../src/profiles/types.js';
import { fader } from '../support/arbitraries.js';

test('linear and log scaling map their range onto 0..1 monotonically and clamp outside it', () => {
  for (const s of [{ kind: 'linear', min: -15, max: 15 }, { kind: 'log', min: 20, max: 20000 }] as const) {
    fc.assert(
      fc.property(fader(s), fader(s), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const [x, y] = [scaleToWire(s, lo), scaleToWire(s, hi)];
        assert.ok(x >= 0 && x <= 1 && y >= 0 && y <= 1);
        assert.ok(x <= y + 1e-12);
      }),
    );
    assert.equal(scaleToWire(s, s.min - 100), 0);
    assert.equal(scaleToWire(s, s.max * 10), 1);
  }
});

test('documented X32 points: 632.5 Hz is 0.5 on the 201-step log frequency scale, 0 dB is 0.5 of -15..15 in 121 steps', () => {
  assert.ok(Math.abs(scaleToWire({ kind: 'log', min: 20, max: 20000, steps: 201 }, 632.5) - 0.5) < 1e-9);
  assert.equal(scaleToWire({ kind: 'linear', min: -15, max: 15, steps: 121 }, 0), 0.5);
  // Q runs 10 -> 0.3 inverted on a log scale in 72 steps: Q 2 sits at 33/71.
  const q = scaleToWire({ kind: 'log', min: 0.3, max: 10, steps: 72, invert: true }, 2);
  assert.ok(Math.abs(q - 33 / 71) < 1e-9, String(q));
});

test('quantised values are fixed points: scaling the value a step stands for gives that step back', () => {
  const s = { kind: 'log', min: 20, max: 20000, steps: 201 } as const;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), (k) => {
      const hzAtStep = 20 * 1000 ** (k / 200);
      assert.ok(Math.abs(scaleToWire(s, hzAtStep) - k / 200) < 1e-9);
    }),
  );
});

test('a table picks the nearest entry, on a log scale for positive tables', () => {
  const s = { kind: 'table', values: [0.5, 1, 2, 4] } as const;
  assert.equal(scaleToWire(s, 1.3), 1 / 3);
  assert.equal(scaleToWire(s, 1.5), 2 / 3);
  assert.equal(scaleToWire(s, 100), 1);
});

test('physical scaling sends the value as it is, within min..max where the profile gives them', () => {
  assert.equal(scaleToWire({ kind: 'physical' }, 12345.5), 12345.5);
  assert.equal(scaleToWire({ kind: 'physical' }, -12345.5), -12345.5);
  const bounded = { kind: 'physical', min: -15, max: 15 } as const;
  assert.deepEqual([20, -20, 3.5].map((v) => scaleToWire(bounded, v)), [15, -15, 3.5]);
});

test('fixed-point scaling sends round(value x factor) of the value clamped to min..max', () => {
  const hundredths = { kind: 'fixed-point', factor: 100, min: -18, max: 18 } as const;
  assert.deepEqual([3.456, 20, -20].map((v) => scaleToWire(hundredths, v)), [346, 1800, -1800]);
});

test('a scale of one step, or none, is not quantised', () => {
  assert.equal(scaleToWire({ kind: 'linear', min: 0, max: 10, steps: 1 }, 2.5), 0.25);
  assert.equal(scaleToWire({ kind: 'linear', min: 0, max: 10 }, 2.5), 0.25);
});

test('a table with zero or negative entries is judged linearly; a tie goes to the first entry; one entry is always 0', () => {
  assert.equal(scaleToWire({ kind: 'table', values: [-6, 0, 6] }, 2), 0.5);
  assert.equal(scaleToWire({ kind: 'table', values: [-6, 0, 6] }, -5), 0);
  assert.equal(scaleToWire({ kind: 'table', values: [0, 1, 2] }, 0.4), 0);
  assert.equal(scaleToWire({ kind: 'table', values: [-1, 1] }, 0), 0);
  assert.equal(scaleToWire({ kind: 'table', values: [5] }, 7), 0);
});

test('a 14-bit wire carries the unit value on 16383 steps, a 7-bit one on 127', () => {
  assert.deepEqual(midiBytes({ transport: 'midi', type: 'cc14', channel: 1, msb: 7, lsb: 39 }, 1), [0xb1, 7, 0x7f, 0xb1, 39, 0x7f]);
  assert.deepEqual(midiBytes({ transport: 'midi', type: 'cc14', channel: 1, msb: 7, lsb: 39 }, 0.5), [0xb1, 7, 0x40, 0xb1, 39, 0]);
  assert.deepEqual(midiBytes({ transport: 'midi', type: 'cc', channel: 1, number: 7 }, 0.5), [0xb1, 7, 64]);
});

test('a fixed OSC message fills in the instance, sends a float as a float32, anything else as given, and 0 when it names no value', () => {
  assert.deepEqual(encodeFixed({ transport: 'osc', address: '/ch/{instance:02}/eq/on', type: 'f', value: 0.1 }, 3, 'k'), {
    key: 'k',
    transport: 'osc',
    address: '/ch/03/eq/on',
    type: 'f',
    value: Math.fround(0.1),
  });
  assert.equal(encodeFixed({ transport: 'osc', address: '/x', type: 'i', value: 0.1 }, 1, 'k').value, 0.1);
  assert.equal(encodeFixed({ transport: 'osc', address: '/x', type: 's', value: 'on' }, 1, 'k').value, 'on');
  assert.equal(encodeFixed({ transport: 'osc', address: '/x', type: 'f', value: 'on' }, 1, 'k').value, 'on');
  assert.equal(encodeFixed({ transport: 'osc', address: '/x', type: 'f' }, 1, 'k').value, 0);
});

test('a fixed MIDI message is a CC, a note, a program change or a 14-bit NRPN on its channel; no number means 0', () => {
  const midi = (type: 'cc' | 'note' | 'program' | 'nrpn', number?: number) => encodeFixed({ transport: 'midi', type, channel: 2, number, value: 200 }, 1, 'k');
  assert.deepEqual(midi('cc', 5), { key: 'k', transport: 'midi', bytes: [0xb2, 5, 200 & 0x7f], value: 200 });
  assert.deepEqual(midi('cc'), { key: 'k', transport: 'midi', bytes: [0xb2, 0, 200 & 0x7f], value: 200 });
  assert.deepEqual(midi('note', 60), { key: 'k', transport: 'midi', bytes: [0x92, 60, 200 & 0x7f], value: 200 });
  assert.deepEqual(midi('program'), { key: 'k', transport: 'midi', bytes: [0xc2, 200 & 0x7f], value: 200 });
  assert.deepEqual(midi('nrpn', 300), { key: 'k', transport: 'midi', bytes: [0xb2, 99, 2, 0xb2, 98, 300 - 256, 0xb2, 6, 1, 0xb2, 38, 200 - 128], value: 200 });
});

test('oscOut sends a trigger (type none) with no argument, anything else with its value and type tag', () => {
  assert.deepEqual(oscOut({ key: 'k', transport: 'osc', address: '/go', type: 'none', value: 0 }), { address: '/go', args: [], types: '' });
  assert.deepEqual(oscOut({ key: 'k', transport: 'osc', address: '/g', type: 'f', value: 0.5 }), { address: '/g', args: [0.5], types: 'f' });
});

const band = (type: Band['type'], gain: number, freq: number, q: number): Band => ({ type, gain: gain as Db, freq: freq as Hz, q: q as Q });
const unit = { kind: 'linear', min: 0, max: 100 } as const;
/** Band 1 over OSC with a type word and no Q; band 2 over MIDI with a type number; band 3 with no parameters at all. */
const target: TargetProfile = {
  kind: 'target',
  version: 1,
  name: 'test desk',
  file: '/dev/null',
  transport: 'osc',
  bands: [
    {
      number: 1,
      type: 'lowshelf',
      bandType: { wire: { transport: 'osc', address: '/{instance}/eq/{band}/type', type: 's' }, values: { lowshelf: 'LShv' } },
      params: {
        gain: { wire: { transport: 'osc', address: '/{instance}/eq/{band}/g', type: 'f' }, scaling: { kind: 'physical' } },
        freq: { wire: { transport: 'osc', address: '/{instance}/eq/{band}/f', type: 'i' }, scaling: { kind: 'physical' } },
        q: null,
      },
    },
    {
      number: 2,
      type: 'peaking',
      bandType: { wire: { transport: 'midi', type: 'cc', channel: 0, number: 20 }, values: { peaking: 3 } },
      params: {
        gain: { wire: { transport: 'midi', type: 'cc', channel: 0, number: 21 }, scaling: unit },
        freq: null,
        q: { wire: { transport: 'midi', type: 'cc', channel: 0, number: 22 }, scaling: unit },
      },
    },
    { number: 3, type: 'peaking', bandType: null, params: { gain: null, freq: null, q: null } },
  ],
};

test('a frame has, band by band, the band type where the target takes one, then each parameter the target has, keyed by instance, band and parameter', () => {
  const frame = encodeTargetFrame(target, 7, 'main', [band('lowshelf', 0.1, 99.6, 0.7), band('peaking', 50, 1000, 25), band('peaking', 1, 1, 1)]);
  assert.deepEqual(frame, [
    { key: 'main/b1/type', transport: 'osc', address: '/7/eq/1/type', type: 's', value: 'LShv' },
    { key: 'main/b1/gain', transport: 'osc', address: '/7/eq/1/g', type: 'f', value: Math.fround(0.1) },
    { key: 'main/b1/freq', transport: 'osc', address: '/7/eq/1/f', type: 'i', value: 100 },
    { key: 'main/b2/type', transport: 'midi', bytes: [0xb0, 20, 3], value: 3 },
    { key: 'main/b2/gain', transport: 'midi', bytes: [0xb0, 21, 64], value: 0.5 },
    { key: 'main/b2/q', transport: 'midi', bytes: [0xb0, 22, 32], value: 0.25 },
  ]);
});

test('a frame with fewer bands than the target encodes the bands it has', () => {
  const frame = encodeTargetFrame(target, 1, 'main', [band('lowshelf', 1, 100, 1)]);
  assert.deepEqual(frame.map((m) => m.key), ['main/b1/type', 'main/b1/gain', 'main/b1/freq']);
});

const osc = (key: string, value: number | string): WireMessage => ({ key, transport: 'osc', address: '/a', type: 'f', value });
const midi = (key: string, bytes: number[]): WireMessage => ({ key, transport: 'midi', bytes, value: 0 });

test('the same wire value is the same message: equal OSC values, or equal MIDI bytes; an OSC and a MIDI message never are', () => {
  assert.equal(sameWire(osc('k', 1), osc('k', 1)), true);
  assert.equal(sameWire(osc('k', 1), osc('k', 2)), false);
  assert.equal(sameWire(midi('k', [1, 2, 3]), midi('k', [1, 2, 3])), true);
  assert.equal(sameWire(midi('k', [1, 2, 3]), midi('k', [1, 2, 4])), false);
  assert.equal(sameWire(midi('k', [1, 2, 3]), midi('k', [1, 2, 3, 4])), false);
  assert.equal(sameWire(midi('k', [1, 2, 3, 4]), midi('k', [1, 2, 3])), false);
  assert.equal(sameWire(osc('k', 0), midi('k', [])), false);
  assert.equal(sameWire(midi('k', []), osc('k', 0)), false);
});

test('unsent keeps the messages never sent under their key, or sent with another wire value', () => {
  const last = new Map<string, WireMessage>([['a', osc('a', 1)], ['b', midi('b', [1])]]);
  const frame = [osc('a', 1), osc('a2', 1), midi('b', [1]), midi('b', [2])];
  assert.deepEqual(unsent(frame, last), [osc('a2', 1), midi('b', [2])]);
});
