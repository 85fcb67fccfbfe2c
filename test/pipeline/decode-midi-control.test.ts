import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toUnit, type ControlValue } from '../../src/codecs/control-value.js';
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

// ---------------------------------------------------------------- every kind of control on one channel

/** Controls of every kind on channel 4, several sharing the number 20, so that a message reaching the wrong one shows. */
const crowd = midiControlTable(
  new Map(
    [
      control('cc20', { type: 'cc', channel: 3, number: 20 }),
      control('note20', { type: 'note', channel: 3, number: 20 }),
      control('note21', { type: 'note', channel: 3, number: 21 }),
      control('prog', { type: 'program', channel: 3 }),
      control('bend', { type: 'pitchbend', channel: 3 }),
      control('hi', { type: 'cc14', channel: 3, msb: 7, lsb: 39 }),
      control('n20', { type: 'nrpn', channel: 3, number: 20, bits: 14 }),
      control('n21', { type: 'nrpn', channel: 3, number: 21, bits: 7 }),
      control('n0', { type: 'nrpn', channel: 3, number: 0, bits: 14 }),
      control('n128', { type: 'nrpn', channel: 3, number: 128, bits: 14 }),
      control('n22', { type: 'nrpn', channel: 3, number: 22, bits: 7, relative: 'twos-complement' }),
    ].map((c) => [c.id, c]),
  ),
);

/** Feeds [bytes, time] pairs to the crowded table; returns [control, value] per event. */
function crowdFeed(messages: [number[], number][]): [string, ControlValue][] {
  let state: MidiDecodeState = EMPTY_MIDI_STATE;
  const out: [string, ControlValue][] = [];
  for (const [bytes, time] of messages) {
    const r = decodeMidiControl(state, 'surface', crowd, bytes, time);
    state = r.state;
    out.push(...r.events.map((e): [string, ControlValue] => [e.control, e.value]));
  }
  return out;
}
const cc = (n: number, v: number): number[] => [0xb3, n, v];
const select = (p: number): [number[], number][] => [[cc(99, p >> 7), 0], [cc(98, p & 127), 0]];

test('a CC, a note, a pitch bend and a program change each move only the controls of their own kind and number', () => {
  assert.deepEqual(crowdFeed([[cc(20, 5), 0]]), [['cc20', { kind: 'discrete', step: 5, max: 127 }]]);
  assert.deepEqual(crowdFeed([[[0x93, 20, 5], 0]]), [['note20', { kind: 'discrete', step: 5, max: 127 }]]);
  assert.deepEqual(crowdFeed([[[0xe3, 0, 64], 0]]), [['bend', { kind: 'continuous', value: 8192 / 16383 }]]);
  assert.deepEqual(crowdFeed([[[0xc3, 9], 0]]), [['prog', { kind: 'discrete', step: 9, max: 127 }]]);
  assert.deepEqual(crowdFeed([[[0xc2, 9], 0], [[0xd3, 9], 0]]), [], 'another channel, or channel pressure, moves nothing');
});

test('NRPN data moves only the control of the selected parameter number', () => {
  assert.deepEqual(crowdFeed([...select(20), [cc(6, 3), 1]]), [['n20', { kind: 'discrete', step: 3 << 7, max: 16383 }]]);
  assert.deepEqual(crowdFeed([...select(21), [cc(6, 3), 1]]), [['n21', { kind: 'discrete', step: 3, max: 127 }]]);
  assert.deepEqual(crowdFeed([...select(22), [cc(6, 127), 1]]), [['n22', { kind: 'relative', delta: -1 }]], 'a relative NRPN encoder steps');
});

test('NRPN data moves nothing until both halves of the parameter number are selected', () => {
  assert.deepEqual(crowdFeed([[cc(6, 3), 0]]), [], 'nothing selected (parameter 0 is not implied)');
  assert.deepEqual(crowdFeed([[cc(98, 20), 0], [cc(6, 3), 1]]), [], 'only the LSB selected');
  assert.deepEqual(crowdFeed([[cc(99, 1), 0], [cc(6, 3), 1]]), [], 'only the MSB selected (parameter 128 is not implied)');
  assert.deepEqual(crowdFeed([...select(20), [cc(100, 0), 1], [cc(6, 3), 2]]), [], 'an RPN LSB alone deselects too');
});

test('a 7-bit NRPN ignores data LSBs; a 14-bit one combines each LSB with the last data MSB, never with an earlier LSB', () => {
  assert.deepEqual(crowdFeed([...select(21), [cc(6, 10), 1], [cc(38, 5), 2]]), [['n21', { kind: 'discrete', step: 10, max: 127 }]]);
  const steps = (ev: [string, ControlValue][]) => ev.map(([, v]) => toUnit(v)! * 16383);
  assert.deepEqual(steps(crowdFeed([...select(20), [cc(6, 1), 1], [cc(6, 2), 2]])), [1 << 7, 2 << 7], 'two MSBs: two coarse moves');
  assert.deepEqual(steps(crowdFeed([...select(20), [cc(6, 0x2a), 1], [cc(38, 0x15), 2], [cc(38, 0x16), 3]])), [0x2a << 7, (0x2a << 7) | 0x15, (0x2a << 7) | 0x16]);
});

test('an LSB exactly PAIR_WINDOW_MS after its MSB still refines it, at any clock time; one a millisecond later does not', () => {
  const t = 100_000;
  const fine = (gap: number) => crowdFeed([[cc(7, 1), t], [cc(39, 5), t + gap]]).map(([, v]) => toUnit(v)! * 16383);
  assert.deepEqual(fine(PAIR_WINDOW_MS), [1 << 7, (1 << 7) | 5]);
  assert.deepEqual(fine(PAIR_WINDOW_MS + 1), [1 << 7]);
  const nrpn = (gap: number) => crowdFeed([...select(20).map(([b]): [number[], number] => [b, t]), [cc(6, 1), t], [cc(38, 5), t + gap]]).map(([, v]) => toUnit(v)! * 16383);
  assert.deepEqual(nrpn(PAIR_WINDOW_MS), [1 << 7, (1 << 7) | 5]);
  assert.deepEqual(nrpn(PAIR_WINDOW_MS + 1), [1 << 7]);
});

test('a relative CC gives its signed step, and every event carries the bytes it came from', () => {
  const r = decodeMidiControl(EMPTY_MIDI_STATE, 'surface', table, [0xb0, 16, 127], 5);
  assert.deepEqual(r.events, [{ input: 'surface', control: 'knob', value: { kind: 'relative', delta: -1 }, raw: [0xb0, 16, 127], time: 5 }]);
});

test('two\'s complement reads bit 6 as the sign, 64 included: the step is the 7-bit value sign-extended', () => {
  fc.assert(fc.property(data, (v) => assert.equal(relativeDelta(v, 'twos-complement'), (v << 25) >> 25)));
  assert.equal(relativeDelta(64, 'twos-complement'), -64);
});

test('midiMessageProblem knows the length of every status: 2 bytes for program, channel pressure, MTC and song select; 3 for song position; 1 for the rest', () => {
  for (const ok of [[0xc5, 1], [0xd5, 1], [0xe5, 1, 2], [0xa5, 1, 2], [0xf1, 1], [0xf3, 1], [0xf2, 1, 2], [0xf6], [0xf8], [0xff]]) assert.equal(midiMessageProblem(ok), null, JSON.stringify(ok));
  assert.equal(midiMessageProblem([0xc5, 1, 2]), '3 bytes where status 0xc5 has 2');
  assert.equal(midiMessageProblem([0xd5, 1, 2]), '3 bytes where status 0xd5 has 2');
  assert.equal(midiMessageProblem([0xf1, 1, 2]), '3 bytes where status 0xf1 has 2');
  assert.equal(midiMessageProblem([0xf3, 1, 2]), '3 bytes where status 0xf3 has 2');
  assert.equal(midiMessageProblem([0xf2, 1]), '2 bytes where status 0xf2 has 3');
  assert.equal(midiMessageProblem([0xf6, 1]), '2 bytes where status 0xf6 has 1');
  assert.equal(midiMessageProblem([0xf8, 1, 2]), '3 bytes where status 0xf8 has 1');
});

test('midiMessageProblem names each problem', () => {
  assert.equal(midiMessageProblem([]), 'empty message');
  for (const bad of [[0xb0, 256, 0], [0xb0, -1, 0], [0xb0, 1.5, 0]]) assert.equal(midiMessageProblem(bad), 'a value that is not a byte', JSON.stringify(bad));
  assert.equal(midiMessageProblem([0x7f, 1, 2]), 'no status byte');
  assert.equal(midiMessageProblem([0xb0, 0x80, 0]), 'a status byte where a data byte belongs');
  assert.equal(midiMessageProblem([0xb0, 0x7f, 0x7f]), null);
});

test('a SysEx is any number of data bytes between F0 and F7; a status byte inside it or a missing F7 is a problem', () => {
  for (const ok of [[0xf0, 0xf7], [0xf0, 1, 0xf7], [0xf0, 0x7f, 2, 3, 0xf7]]) assert.equal(midiMessageProblem(ok), null, JSON.stringify(ok));
  for (const bad of [[0xf0], [0xf0, 1, 2], [0xf0, 0x80, 0xf7], [0xf0, 1, 0x90, 2, 0xf7], [0xf0, 0xf7, 0xf7]]) {
    assert.equal(midiMessageProblem(bad), 'unterminated or corrupt SysEx', JSON.stringify(bad));
  }
});
