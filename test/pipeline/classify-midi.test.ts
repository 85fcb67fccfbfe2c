import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { classifyMidiSample, relativeConvention } from '../../src/pipeline/classify-midi.js';
import { relativeDelta } from '../../src/pipeline/decode-midi-control.js';
import { midiBytes } from '../../src/pipeline/encode-target.js';
import type { RelativeEncoding } from '../../src/profiles/types.js';
import { positionArb } from '../support/arbitraries.js';

/** The 7-bit value an encoder of `enc` sends for a step of `d` (the inverse of relativeDelta). */
function encodeDelta(d: number, enc: RelativeEncoding): number {
  switch (enc) {
    case 'twos-complement':
      return d < 0 ? 128 + d : d;
    case 'offset-64':
      return 64 + d;
    case 'sign-magnitude':
      return d < 0 ? 64 | -d : d;
  }
}

const channel = fc.integer({ min: 0, max: 15 });
const encoding = fc.constantFrom<RelativeEncoding>('twos-complement', 'offset-64', 'sign-magnitude');
/** Encoder turns of 1..3 ticks each, both ways, as a hand sends them. */
const turns = fc
  .array(fc.integer({ min: 1, max: 3 }).chain((m) => fc.constantFrom(m, -m)), { minLength: 12, maxLength: 30 })
  .filter((ds) => ds.some((d) => d > 0) && ds.some((d) => d < 0));
/** A fader sweep: distinct 7-bit values in one direction. */
const sweep = fc.uniqueArray(fc.integer({ min: 0, max: 127 }), { minLength: 5, maxLength: 60 }).map((vs) => vs.sort((a, b) => a - b));

test('encodeDelta is the inverse of the decoder for every convention (the generator below is right)', () => {
  fc.assert(fc.property(fc.integer({ min: -15, max: 15 }).filter((d) => d !== 0), encoding, (d, enc) => assert.equal(relativeDelta(encodeDelta(d, enc), enc), d)));
});

test('a relative encoder turned both ways is a relative CC of its convention, channel and number', () => {
  fc.assert(fc.property(turns, encoding, channel, fc.integer({ min: 0, max: 119 }), (ds, enc, ch, n) => {
    const msgs = ds.map((d) => [0xb0 | ch, n, encodeDelta(d, enc)]);
    assert.deepEqual(classifyMidiSample(msgs), { midi: { type: 'cc', channel: ch, number: n, relative: enc } });
  }));
});

test('a fader sweep is an absolute 7-bit CC, in either direction', () => {
  fc.assert(fc.property(sweep, fc.boolean(), channel, fc.integer({ min: 64, max: 119 }), (vs, down, ch, n) => {
    const msgs = (down ? [...vs].reverse() : vs).map((v) => [0xb0 | ch, n, v]);
    assert.deepEqual(classifyMidiSample(msgs), { midi: { type: 'cc', channel: ch, number: n } });
  }));
});

test('MSB n with LSB n+32 is a 14-bit CC pair', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 16383 }), { minLength: 2, maxLength: 20 }), channel, fc.integer({ min: 0, max: 31 }), (vs, ch, msb) => {
    const msgs = vs.flatMap((v) => {
      const b = midiBytes({ transport: 'midi', type: 'cc14', channel: ch, msb, lsb: msb + 32 }, v / 16383);
      return [b.slice(0, 3), b.slice(3, 6)];
    });
    assert.deepEqual(classifyMidiSample(msgs), { midi: { type: 'cc14', channel: ch, msb, lsb: msb + 32 } });
  }));
});

test('NRPN select and data are an NRPN of its number, 14-bit with CC 38 and 7-bit without', () => {
  fc.assert(fc.property(fc.array(positionArb, { minLength: 1, maxLength: 10 }), channel, fc.integer({ min: 0, max: 16383 }), fc.constantFrom(7 as const, 14 as const), (us, ch, number, bits) => {
    const msgs = us.flatMap((u) => {
      const b = midiBytes({ transport: 'midi', type: 'nrpn', channel: ch, number, bits }, u);
      const out: number[][] = [];
      for (let i = 0; i < b.length; i += 3) out.push(b.slice(i, i + 3));
      return out;
    });
    const got = classifyMidiSample(msgs)!;
    assert.equal(got.midi.type, 'nrpn');
    assert.deepEqual({ ...got.midi, relative: undefined }, { type: 'nrpn', channel: ch, number, bits, relative: undefined });
  }));
});

test('a relative NRPN encoder (7-bit data) is told apart by its data values', () => {
  const msgs = [1, 1, 2, 127, 127, 1, 1].flatMap((v) => [
    [0xb0, 99, 3],
    [0xb0, 98, 10],
    [0xb0, 6, v],
  ]);
  assert.deepEqual(classifyMidiSample(msgs), { midi: { type: 'nrpn', channel: 0, number: 3 * 128 + 10, bits: 7, relative: 'twos-complement' } });
});

test('pitch bend is a fader; a note on its channel just before is its touch', () => {
  fc.assert(fc.property(channel, fc.integer({ min: 0, max: 127 }), (ch, note) => {
    const msgs = [[0x90 | ch, note, 127], [0xe0 | ch, 0, 64], [0xe0 | ch, 10, 65], [0x90 | ch, note, 0]];
    assert.deepEqual(classifyMidiSample(msgs), { midi: { type: 'pitchbend', channel: ch }, touch: { type: 'note', channel: ch, number: note } });
    assert.deepEqual(classifyMidiSample(msgs.slice(1, 3)), { midi: { type: 'pitchbend', channel: ch } });
  }));
});

test('a note is a button and a program change is a program control; clock and SysEx are ignored', () => {
  assert.deepEqual(classifyMidiSample([[0xf8], [0x92, 40, 100], [0x82, 40, 0]]), { midi: { type: 'note', channel: 2, number: 40 } });
  assert.deepEqual(classifyMidiSample([[0xc5, 3]]), { midi: { type: 'program', channel: 5 } });
  assert.equal(classifyMidiSample([[0xf8], [0xfe], [0xf0, 1, 2, 0xf7]]), null);
  assert.equal(classifyMidiSample([]), null);
});

test('a CC button (127 then 0) is an absolute CC, not an encoder', () => {
  assert.deepEqual(classifyMidiSample([[0xb0, 45, 127], [0xb0, 45, 0], [0xb0, 45, 127], [0xb0, 45, 0]]), { midi: { type: 'cc', channel: 0, number: 45 } });
});

test('an encoder turned one way only gets a convention and a note saying it is a guess', () => {
  assert.deepEqual(relativeConvention([1, 1, 1, 2]), { encoding: 'twos-complement', sure: false });
  assert.deepEqual(relativeConvention([65, 65, 66, 65]), { encoding: 'offset-64', sure: false });
  assert.deepEqual(relativeConvention([127, 127, 126]), { encoding: 'twos-complement', sure: true });
  assert.deepEqual(relativeConvention([63, 63, 62]), { encoding: 'offset-64', sure: true });
  assert.match(classifyMidiSample([[0xb0, 16, 1], [0xb0, 16, 1], [0xb0, 16, 1]])!.note!, /both ways/);
  assert.equal(relativeConvention([1, 1]), null, 'too short to tell');
  assert.equal(relativeConvention([1, 64, 1, 1]), null, '64 is no step in any convention');
});
