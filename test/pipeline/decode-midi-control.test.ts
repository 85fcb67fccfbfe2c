import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toUnit } from '../../src/codecs/control-value.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, relativeDelta, type MidiDecodeState } from '../../src/pipeline/decode-midi-control.js';
import type { MidiControl } from '../../src/profiles/types.js';

const control = (id: string, midi: MidiControl['midi']): MidiControl => ({ id, transport: 'midi', midi, value: 'discrete', feedback: false });
const table = midiControlTable(
  new Map(
    [
      control('fader', { type: 'cc', channel: 0, number: 0 }),
      control('fine', { type: 'cc14', channel: 0, msb: 7, lsb: 39 }),
      control('knob', { type: 'cc', channel: 0, number: 16, relative: 'twos-complement' }),
      control('btn', { type: 'note', channel: 0, number: 40 }),
      control('mf', { type: 'pitchbend', channel: 1 }),
      control('deep', { type: 'nrpn', channel: 2, number: 0x1234 >> 2, bits: 14 }),
    ].map((c) => [c.id, c]),
  ),
);

function feed(messages: { bytes: number[]; time: number }[]) {
  let state: MidiDecodeState = EMPTY_MIDI_STATE;
  const events = [];
  for (const m of messages) {
    const r = decodeMidiControl(state, 'surface', table, m.bytes, m.time);
    state = r.state;
    events.push(...r.events);
  }
  return events;
}

test('a 7-bit CC keeps its identity as a step of 127; channel and number must match', () => {
  const ev = feed([{ bytes: [0xb0, 0, 64], time: 0 }, { bytes: [0xb1, 0, 64], time: 1 }]);
  assert.deepEqual(ev.map((e) => [e.control, e.value]), [['fader', { kind: 'discrete', step: 64, max: 127 }]]);
});

test('14-bit pairs: the MSB moves the control at once, its LSB refines it, a stale LSB is ignored', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 16383 }), (v) => {
      const ev = feed([{ bytes: [0xb0, 7, v >> 7], time: 0 }, { bytes: [0xb0, 39, v & 127], time: 1 }]);
      assert.equal(ev.length, 2);
      assert.equal(ev[1]!.value.kind === 'discrete' && ev[1]!.value.step, v);
    }),
  );
  const stale = feed([{ bytes: [0xb0, 7, 100], time: 0 }, { bytes: [0xb0, 39, 5], time: 500 }]);
  assert.deepEqual(stale.map((e) => (e.value.kind === 'discrete' ? e.value.step : -1)), [100 << 7]);
});

test('the three relative conventions decode to signed steps and round-trip their representable range', () => {
  assert.deepEqual([1, 63, 127, 65].map((v) => relativeDelta(v, 'twos-complement')), [1, 63, -1, -63]);
  assert.deepEqual([65, 127, 63, 0].map((v) => relativeDelta(v, 'offset-64')), [1, 63, -1, -64]);
  assert.deepEqual([1, 63, 65, 127].map((v) => relativeDelta(v, 'sign-magnitude')), [1, 63, -1, -63]);
  fc.assert(
    fc.property(fc.integer({ min: -63, max: 63 }), (d) => {
      assert.equal(relativeDelta(d & 127, 'twos-complement'), d);
      assert.equal(relativeDelta(d + 64, 'offset-64'), d);
      if (d !== 0) assert.equal(relativeDelta(d < 0 ? 64 | -d : d, 'sign-magnitude'), d);
    }),
  );
});

test('notes, note-off as velocity 0, and Mackie-style pitch-bend faders', () => {
  const ev = feed([
    { bytes: [0x90, 40, 127], time: 0 },
    { bytes: [0x90, 40, 0], time: 1 },
    { bytes: [0x80, 40, 64], time: 2 },
    { bytes: [0xe1, 0x7f, 0x7f], time: 3 },
    { bytes: [0xe1, 0, 0x40], time: 4 },
  ]);
  assert.deepEqual(ev.map((e) => toUnit(e.value)), [1, 0, 0, 1, 8192 / 16383]);
});

test('NRPN: parameter select then 14-bit data; data without a selected parameter is dropped', () => {
  const p = 0x1234 >> 2;
  const ev = feed([
    { bytes: [0xb2, 6, 10], time: 0 },
    { bytes: [0xb2, 99, p >> 7], time: 1 },
    { bytes: [0xb2, 98, p & 127], time: 2 },
    { bytes: [0xb2, 6, 0x2a], time: 3 },
    { bytes: [0xb2, 38, 0x15], time: 4 },
  ]);
  assert.deepEqual(ev.map((e) => (e.value.kind === 'discrete' ? e.value.step : -1)), [0x2a << 7, (0x2a << 7) | 0x15]);
});

test('arbitrary bytes never throw and only yield values in range', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }), { maxLength: 50 }), (msgs) => {
      const ev = feed(msgs.map((bytes, time) => ({ bytes: [bytes[0]! | 0x80, ...bytes.slice(1).map((b) => b & 127)], time })));
      for (const e of ev) {
        const u = toUnit(e.value);
        if (u !== null) assert.ok(u >= 0 && u <= 1);
      }
    }),
  );
});
