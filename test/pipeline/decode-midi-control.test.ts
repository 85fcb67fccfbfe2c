import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toUnit } from '../../src/codecs/control-value.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, midiMessageProblem, PAIR_WINDOW_MS, relativeDelta, type MidiDecodeState } from '../../src/pipeline/decode-midi-control.js';
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

// ---------------------------------------------------------------- hostile input

const data = fc.integer({ min: 0, max: 127 });
/** Complete, valid messages the profile above listens to (channels 1-3), as a controller would send them. */
const validMessage = fc.oneof(
  fc.tuple(fc.constantFrom(0, 7, 39, 16, 99, 98, 6, 38), data).map(([n, v]) => [0xb0, n, v]),
  fc.tuple(fc.constantFrom(99, 98, 6, 38), data).map(([n, v]) => [0xb2, n, v]),
  fc.tuple(fc.constantFrom(0x90, 0x80), data).map(([s, v]) => [s, 40, v]),
  fc.tuple(data, data).map(([l, m]) => [0xe1, l, m]),
);
/** What a bad cable, a busy driver or another device adds: SysEx floods, realtime bytes, broken and foreign messages. */
const noise = fc.oneof(
  fc.array(data, { maxLength: 200 }).map((d) => [0xf0, ...d, 0xf7]), // a complete SysEx
  fc.array(data, { minLength: 1, maxLength: 50 }).map((d) => [0xf0, ...d]), // a SysEx cut off
  fc.constantFrom(0xf8, 0xfa, 0xfc, 0xfe, 0xff).map((b) => [b]), // realtime, alone
  fc.tuple(fc.constantFrom(0xf8, 0xfe), data).map(([rt, v]) => [0xb0, rt, v]), // realtime where a data byte belongs
  fc.tuple(fc.constantFrom(0xf8, 0xfe), data).map(([rt, v]) => [0xb0, v, rt]),
  fc.tuple(fc.constantFrom(0xb0, 0xb2, 0x90, 0xe1), data).map(([s, v]) => [s, v]), // half a message
  fc.array(data, { minLength: 1, maxLength: 3 }), // data bytes without a status
  fc.tuple(fc.constantFrom(0xb0, 0xb2), data, data).map(([s, n, v]) => [s, n, v, v]), // too long
  fc.tuple(fc.integer({ min: 3, max: 15 }), fc.constantFrom(7, 39, 99, 98, 6, 38, 101, 100), data).map(([ch, n, v]) => [0xb0 | ch, n, v]), // channels nobody listens to
);

test('for all well-formed messages midiMessageProblem is null; cutting one short or putting a realtime byte inside makes it a problem', () => {
  fc.assert(
    fc.property(validMessage, fc.constantFrom(0xf8, 0xfe), (m, rt) => {
      assert.equal(midiMessageProblem(m), null);
      assert.notEqual(midiMessageProblem(m.slice(0, -1)), null);
      assert.notEqual(midiMessageProblem([m[0]!, rt, ...m.slice(2)]), null);
    }),
  );
});

test('for all streams: SysEx floods, realtime bytes, broken and foreign-channel messages in between change no event', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(validMessage, fc.integer({ min: 0, max: 30 }), fc.array(noise, { maxLength: 3 })), { maxLength: 40 }), (stream) => {
      let t = 0;
      const clean: { bytes: number[]; time: number }[] = [];
      const noisy: { bytes: number[]; time: number }[] = [];
      for (const [bytes, gap, junk] of stream) {
        t += gap;
        for (const j of junk) noisy.push({ bytes: j, time: t });
        clean.push({ bytes, time: t });
        noisy.push({ bytes, time: t });
      }
      const view = (ev: ReturnType<typeof feed>) => ev.map((e) => [e.control, e.value]);
      assert.deepEqual(view(feed(noisy)), view(feed(clean)));
    }),
  );
});

test('a malformed message is reported and leaves the state untouched', () => {
  const r = decodeMidiControl(EMPTY_MIDI_STATE, 'surface', table, [0xb0, 7], 0);
  assert.equal(r.state, EMPTY_MIDI_STATE);
  assert.deepEqual(r.events, []);
  assert.match(r.malformed!, /2 bytes/);
});

test('NRPN: a data LSB long after its MSB does not combine with it (the MSB alone already moved the control)', () => {
  const p = 0x1234 >> 2;
  const ev = feed([
    { bytes: [0xb2, 99, p >> 7], time: 0 },
    { bytes: [0xb2, 98, p & 127], time: 0 },
    { bytes: [0xb2, 6, 0x2a], time: 1 },
    { bytes: [0xb2, 38, 0x15], time: 1 + PAIR_WINDOW_MS + 1 },
  ]);
  assert.deepEqual(ev.map((e) => (e.value.kind === 'discrete' ? e.value.step : -1)), [0x2a << 7]);
});

test('NRPN: selecting an RPN (the null RPN included) stops data entry from moving the NRPN control', () => {
  const p = 0x1234 >> 2;
  const select = [
    { bytes: [0xb2, 99, p >> 7], time: 0 },
    { bytes: [0xb2, 98, p & 127], time: 0 },
  ];
  assert.equal(feed([...select, { bytes: [0xb2, 101, 0], time: 1 }, { bytes: [0xb2, 6, 5], time: 2 }]).length, 0);
  assert.equal(feed([...select, { bytes: [0xb2, 101, 127], time: 1 }, { bytes: [0xb2, 100, 127], time: 1 }, { bytes: [0xb2, 6, 5], time: 2 }]).length, 0);
  assert.equal(feed([...select, { bytes: [0xb2, 6, 5], time: 2 }]).length, 1);
});
