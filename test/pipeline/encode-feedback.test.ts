import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toUnit, type ControlValue } from '../../src/codecs/control-value.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, type MidiDecodeState } from '../../src/pipeline/decode-midi-control.js';
import { decodeOscControl, oscAddressTable } from '../../src/pipeline/decode-osc-control.js';
import { encodeFeedback, feedbackFor, invertAbsoluteGlue, invertCurve, isEchoOf, ringByte, ringUnit, touchOf } from '../../src/pipeline/encode-feedback.js';
import { applyAbsoluteGlue, applyCurve, FRESH_TAKEOVER } from '../../src/pipeline/takeover.js';
import type { Binding, Curve, MidiControl, OscControl } from '../../src/profiles/types.js';
import { positionArb } from '../support/arbitraries.js';

const curve: fc.Arbitrary<Curve> = fc.oneof(
  fc.constantFrom<Curve>({ kind: 'linear' }, { kind: 'log' }, { kind: 'exp' }, { kind: 's-curve' }),
  fc.double({ min: 0.2, max: 5, noNaN: true }).map((exponent): Curve => ({ kind: 'power', exponent })),
);
const range = fc.tuple(positionArb, positionArb).filter(([a, b]) => Math.abs(a - b) > 0.05).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

function midiControl(midi: MidiControl['midi'], extra: Partial<MidiControl> = {}): MidiControl {
  const maxStep = midi.type === 'pitchbend' || midi.type === 'cc14' || (midi.type === 'nrpn' && midi.bits === 14) ? 16383 : 127;
  return { id: 'c', transport: 'midi', midi, value: 'discrete', maxStep, feedback: true, ...extra };
}

/** Feedback bytes read back by the control decoder, as if the surface had sent them: the last position decoded. */
function midiRoundTrip(control: MidiControl, u: number): number | null {
  const wire = encodeFeedback(control, { kind: 'unit', value: u });
  assert.ok(wire && wire.transport === 'midi');
  const table = midiControlTable(new Map([['c', control]]));
  let state: MidiDecodeState = EMPTY_MIDI_STATE;
  let last: number | null = null;
  wire.messages.forEach((m, i) => {
    assert.ok(m.length === 3, 'one complete channel message at a time');
    const r = decodeMidiControl(state, 'in', table, m, i);
    state = r.state;
    for (const e of r.events) last = toUnit(e.value);
  });
  return last;
}

test('the inverse curve undoes every response curve', () => {
  fc.assert(fc.property(positionArb, curve, (u, c) => {
    assert.ok(Math.abs(applyCurve(invertCurve(u, c), c) - u) <= 1e-9, `${c.kind}: ${u}`);
  }));
});

test('for every glue, a control put at the inverted position reads back the target value (jump takeover)', () => {
  fc.assert(fc.property(curve, fc.boolean(), range, positionArb, (c, reverse, r, share) => {
    const value = r[0] + share * (r[1] - r[0]);
    const glue = { takeover: 'jump' as const, curve: c, reverse, range: r };
    const pos = invertAbsoluteGlue(glue, value);
    assert.ok(pos >= 0 && pos <= 1);
    const read = applyAbsoluteGlue(glue, FRESH_TAKEOVER, pos, 0).value!;
    assert.ok(Math.abs(read - value) <= 1e-9, `${JSON.stringify(glue)} value ${value} read ${read}`);
  }));
});

test('a value outside the glue range is shown at the nearer end', () => {
  const glue = { curve: { kind: 'linear' } as Curve, reverse: false, range: [0.2, 0.6] as const };
  assert.equal(invertAbsoluteGlue(glue, 0.9), 1);
  assert.equal(invertAbsoluteGlue(glue, 0), 0);
  assert.equal(invertAbsoluteGlue({ ...glue, reverse: true }, 0.9), 0);
});

test('MIDI feedback read back by the control decoder gives the value within one step, for every message type', () => {
  fc.assert(fc.property(positionArb, fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 16383 }), (u, ch, param) => {
    const cases: [MidiControl, number][] = [
      [midiControl({ type: 'cc', channel: ch, number: 7 }), 127],
      [midiControl({ type: 'cc14', channel: ch, msb: 7, lsb: 39 }), 16383],
      [midiControl({ type: 'nrpn', channel: ch, number: param, bits: 7 }), 127],
      [midiControl({ type: 'nrpn', channel: ch, number: param, bits: 14 }), 16383],
      [midiControl({ type: 'pitchbend', channel: ch }), 16383],
      [midiControl({ type: 'note', channel: ch, number: 40 }), 127],
    ];
    for (const [control, max] of cases) {
      const got = midiRoundTrip(control, u);
      assert.ok(got !== null && Math.abs(got - u) <= 1 / max, `${control.midi.type}: ${u} -> ${got}`);
    }
  }));
});

test('a pitch-bend motor fader is sent E0 LSB MSB', () => {
  const wire = encodeFeedback(midiControl({ type: 'pitchbend', channel: 2 }), { kind: 'unit', value: 1 });
  assert.deepEqual(wire, { transport: 'midi', messages: [[0xe2, 0x7f, 0x7f]] });
  const mid = encodeFeedback(midiControl({ type: 'pitchbend', channel: 0 }), { kind: 'unit', value: 8192 / 16383 });
  assert.deepEqual(mid, { transport: 'midi', messages: [[0xe0, 0x00, 0x40]] });
});

test('a button light is note or CC 127 for on and 0 for off', () => {
  const note = midiControl({ type: 'note', channel: 0, number: 16 });
  assert.deepEqual(encodeFeedback(note, { kind: 'unit', value: 1 }), { transport: 'midi', messages: [[0x90, 16, 127]] });
  assert.deepEqual(encodeFeedback(note, { kind: 'unit', value: 0 }), { transport: 'midi', messages: [[0x90, 16, 0]] });
  const cc = midiControl({ type: 'cc', channel: 15, number: 45 });
  assert.deepEqual(encodeFeedback(cc, { kind: 'unit', value: 1 }), { transport: 'midi', messages: [[0xbf, 45, 127]] });
});

test('a relative encoder without a ring gets the absolute value on its own CC', () => {
  const enc = midiControl({ type: 'cc', channel: 0, number: 16, relative: 'sign-magnitude' });
  assert.deepEqual(encodeFeedback(enc, { kind: 'unit', value: 0.5 }), { transport: 'midi', messages: [[0xb0, 16, 64]] });
});

test('a ring byte carries the mode in bits 5-4 and a position 1..11 that reads back within one of its 10 steps', () => {
  fc.assert(fc.property(positionArb, fc.constantFrom('dot', 'boost-cut', 'wrap', 'spread' as const), (u, mode) => {
    const b = ringByte(mode, u);
    assert.ok(b >= 0 && b <= 0x3f, 'bit 6 (centre LED) stays clear, a valid data byte');
    assert.equal(b >> 4, ['dot', 'boost-cut', 'wrap', 'spread'].indexOf(mode));
    assert.ok((b & 15) >= 1 && (b & 15) <= 11);
    assert.ok(Math.abs(ringUnit(b)! - u) <= 0.05 + 1e-12);
  }));
  assert.equal(ringUnit(0x20), null, 'position 0 is a dark ring');
});

test('a control with a ring gets its feedback on the ring CC, same channel', () => {
  const vpot = midiControl({ type: 'cc', channel: 0, number: 16, relative: 'sign-magnitude' }, { ring: { number: 48, mode: 'boost-cut' } });
  assert.deepEqual(encodeFeedback(vpot, { kind: 'unit', value: 0.5 }), { transport: 'midi', messages: [[0xb0, 48, 0x16]] });
});

test('program changes and words cannot be shown on MIDI controls', () => {
  assert.equal(encodeFeedback(midiControl({ type: 'program', channel: 0 }), { kind: 'unit', value: 0.5 }), null);
  assert.equal(encodeFeedback(midiControl({ type: 'cc', channel: 0, number: 1 }), { kind: 'text', value: 'warm' }), null);
});

test('OSC feedback read back by the control decoder gives the value within one step, over any declared range', () => {
  const ends = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 })).filter(([a, b]) => a !== b);
  fc.assert(fc.property(positionArb, ends, fc.constantFrom('f' as const, 'i' as const), (u, [min, max], type) => {
    const control: OscControl = { id: 'fader', transport: 'osc', osc: { address: '/x', type, min, max }, value: type === 'f' ? 'continuous' : 'discrete', feedback: true, outOfRange: 'clamp' };
    const wire = encodeFeedback(control, { kind: 'unit', value: u });
    assert.ok(wire && wire.transport === 'osc');
    const r = decodeOscControl('in', oscAddressTable(new Map([['fader', control]])), { address: wire.address, args: [wire.value] });
    assert.ok(r.ok);
    // A float travels as float32: its step is the float32 spacing near the range's ends, in 0..1 terms.
    const step = type === 'i' ? 1 / Math.abs(max - min) : (Math.max(Math.abs(min), Math.abs(max)) * 2 ** -23) / Math.abs(max - min) + 1e-12;
    assert.ok(Math.abs(toUnit(r.event.value)! - u) <= step, `${type} ${min}..${max}: ${u} -> ${JSON.stringify(r.event.value)}`);
  }));
});

test('an OSC text control is sent the word; a trigger gets nothing', () => {
  const text: OscControl = { id: 't', transport: 'osc', osc: { address: '/eqmorph/termA', type: 's' }, value: 'text', feedback: true, outOfRange: 'clamp' };
  assert.deepEqual(encodeFeedback(text, { kind: 'text', value: 'bright' }), { transport: 'osc', address: '/eqmorph/termA', type: 's', value: 'bright' });
  const trig: OscControl = { id: 'd', transport: 'osc', osc: { address: '/eqmorph/dump', type: 'none' }, value: 'trigger', feedback: true, outOfRange: 'clamp' };
  assert.equal(encodeFeedback(trig, { kind: 'unit', value: 1 }), null);
});

const src = { input: 'in', control: 'c', value: 'discrete' as const };
const state = { termA: 'warm', termB: 'bright', alpha: 0.25, strength: 0.8, bypass: true };

test('feedbackFor: alpha through the glue, bypass as a light, terms as words or as a lit fixed-term button', () => {
  const alpha: Binding = { source: src, target: 'alpha', glue: { control: 'absolute', takeover: 'pickup', curve: { kind: 'linear' }, reverse: true, range: [0, 0.5] } };
  assert.deepEqual(feedbackFor(alpha, state), { kind: 'unit', value: 0.5 });
  const ring: Binding = { source: src, target: 'strength', glue: { control: 'relative', step: 0.1, reverse: false, range: [0, 1] } };
  assert.deepEqual(feedbackFor(ring, state), { kind: 'unit', value: 0.8 });
  assert.deepEqual(feedbackFor({ source: src, target: 'bypass', mode: 'toggle' }, state), { kind: 'unit', value: 1 });
  assert.deepEqual(feedbackFor({ source: src, target: 'term_b', set: { kind: 'text' } }, state), { kind: 'text', value: 'bright' });
  assert.deepEqual(feedbackFor({ source: src, target: 'term_a', set: { kind: 'fixed', term: 'warm' } }, state), { kind: 'unit', value: 1 });
  assert.deepEqual(feedbackFor({ source: src, target: 'term_a', set: { kind: 'fixed', term: 'clear' } }, state), { kind: 'unit', value: 0 });
  assert.equal(feedbackFor({ source: src, target: 'swap' }, state), null);
  assert.equal(feedbackFor({ source: src, target: 'preset', value: { alpha: 1 } }, state), null);
});

test('touchOf reads a touch note (velocity > 0 touched, 0 or note-off released) and ignores other messages', () => {
  const fader = midiControl({ type: 'pitchbend', channel: 0 }, { touch: { type: 'note', channel: 0, number: 104 } });
  assert.equal(touchOf(fader, [0x90, 104, 127]), true);
  assert.equal(touchOf(fader, [0x90, 104, 0]), false);
  assert.equal(touchOf(fader, [0x80, 104, 64]), false);
  assert.equal(touchOf(fader, [0x90, 105, 127]), null);
  assert.equal(touchOf(fader, [0x91, 104, 127]), null);
  assert.equal(touchOf(midiControl({ type: 'pitchbend', channel: 0 }), [0x90, 104, 127]), null);
});

/** Every value the control decoder reads from the feedback bytes, in order (a 14-bit control reads its MSB first). */
function decodedFeedback(control: MidiControl, u: number): ControlValue[] {
  const wire = encodeFeedback(control, { kind: 'unit', value: u });
  assert.ok(wire && wire.transport === 'midi');
  const table = midiControlTable(new Map([['c', control]]));
  let state: MidiDecodeState = EMPTY_MIDI_STATE;
  const out: ControlValue[] = [];
  wire.messages.forEach((m, i) => {
    const r = decodeMidiControl(state, 'in', table, m, i);
    state = r.state;
    out.push(...r.events.map((e) => e.value));
  });
  return out;
}

test('a motor fader repeating the feedback it was sent, message by message, is recognised as an echo; a real move is not', () => {
  fc.assert(fc.property(positionArb, fc.integer({ min: 0, max: 15 }), fc.double({ min: 0.02, max: 1, noNaN: true }), (u, ch, jump) => {
    const controls = [
      midiControl({ type: 'pitchbend', channel: ch }),
      midiControl({ type: 'cc', channel: ch, number: 7 }),
      midiControl({ type: 'cc14', channel: ch, msb: 7, lsb: 39 }),
      midiControl({ type: 'nrpn', channel: ch, number: 300, bits: 14 }),
    ];
    for (const c of controls) {
      for (const v of decodedFeedback(c, u)) assert.ok(isEchoOf(c, v, u), `${c.midi.type}: ${JSON.stringify(v)} after ${u}`);
      const away = u + jump <= 1 ? u + jump : u - jump;
      if (away < 0) continue;
      for (const v of decodedFeedback(c, away)) assert.ok(!isEchoOf(c, v, u), `${c.midi.type}: ${JSON.stringify(v)} is a move away from ${u}`);
    }
  }));
});
