import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toUnit } from '../../src/codecs/control-value.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, type MidiDecodeState } from '../../src/pipeline/decode-midi-control.js';
import { midiBytes } from '../../src/pipeline/encode-target.js';
import type { MidiControl } from '../../src/profiles/types.js';
import { positionArb } from '../support/arbitraries.js';

/** Encodes a 0..1 value as a target would send it, then decodes the bytes as a surface sending them would be read. */
function roundTrip(wire: Parameters<typeof midiBytes>[0], control: MidiControl['midi'], u: number): number | null {
  const bytes = midiBytes(wire, u);
  const table = midiControlTable(new Map([['c', { id: 'c', transport: 'midi', midi: control, value: 'discrete', feedback: false } as MidiControl]]));
  let state: MidiDecodeState = EMPTY_MIDI_STATE;
  let last: number | null = null;
  for (let i = 0; i < bytes.length; i += 3) {
    const r = decodeMidiControl(state, 'in', table, bytes.slice(i, i + 3), i);
    state = r.state;
    for (const e of r.events) last = toUnit(e.value);
  }
  return last;
}

test('7-bit CC: encode then decode gives the value to within one step of 127', () => {
  fc.assert(fc.property(positionArb, fc.integer({ min: 0, max: 15 }), (u, ch) => {
    const got = roundTrip({ transport: 'midi', type: 'cc', channel: ch, number: 20 }, { type: 'cc', channel: ch, number: 20 }, u)!;
    assert.ok(Math.abs(got - u) <= 0.5 / 127 + 1e-12);
  }));
});

test('14-bit CC pairs and 14-bit NRPN: encode then decode gives the value to within one step of 16383', () => {
  fc.assert(fc.property(positionArb, fc.integer({ min: 0, max: 16383 }), (u, param) => {
    const cc14 = roundTrip({ transport: 'midi', type: 'cc14', channel: 0, msb: 5, lsb: 37 }, { type: 'cc14', channel: 0, msb: 5, lsb: 37 }, u)!;
    assert.ok(Math.abs(cc14 - u) <= 0.5 / 16383 + 1e-12);
    const nrpn = roundTrip({ transport: 'midi', type: 'nrpn', channel: 3, number: param, bits: 14 }, { type: 'nrpn', channel: 3, number: param, bits: 14 }, u)!;
    assert.ok(Math.abs(nrpn - u) <= 0.5 / 16383 + 1e-12);
  }));
});

test('7-bit NRPN: encode then decode gives the value to within one step of 127', () => {
  fc.assert(fc.property(positionArb, fc.integer({ min: 0, max: 16383 }), (u, param) => {
    const got = roundTrip({ transport: 'midi', type: 'nrpn', channel: 9, number: param, bits: 7 }, { type: 'nrpn', channel: 9, number: param, bits: 7 }, u)!;
    assert.ok(Math.abs(got - u) <= 0.5 / 127 + 1e-12);
  }));
});
