import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toUnit } from '../../src/codecs/control-value.js';
import { decodeOscControl, oscAddressTable } from '../../src/pipeline/decode-osc-control.js';
import type { OscControl } from '../../src/profiles/types.js';

const fader = (outOfRange: 'clamp' | 'ignore', min = -10, max = 10): OscControl => ({
  id: 'fader',
  transport: 'osc',
  osc: { address: '/fader', type: 'f', min, max },
  outOfRange,
  value: 'continuous',
  feedback: false,
});
const table = (c: OscControl) => oscAddressTable(new Map([[c.id, c]]));

test('clamp (the default): a number outside min..max moves the control to its nearer end and is marked clamped', () => {
  const r = decodeOscControl('in', table(fader('clamp')), { address: '/fader', args: [25] });
  assert.ok(r.ok && r.clamped && toUnit(r.event.value) === 1);
  const low = decodeOscControl('in', table(fader('clamp')), { address: '/fader', args: [-11] });
  assert.ok(low.ok && low.clamped && toUnit(low.event.value) === 0);
});

test('ignore: a number outside min..max is refused as out-of-range; one inside passes unclamped', () => {
  const r = decodeOscControl('in', table(fader('ignore')), { address: '/fader', args: [10.5] });
  assert.ok(!r.ok && r.reason === 'out-of-range', JSON.stringify(r));
  const inside = decodeOscControl('in', table(fader('ignore')), { address: '/fader', args: [10] });
  assert.ok(inside.ok && !inside.clamped && toUnit(inside.event.value) === 1);
});

test('for all finite numbers: clamp yields a unit value in 0..1, flagged exactly when outside; ignore refuses exactly those', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
      const outside = n < -10 || n > 10;
      const c = decodeOscControl('in', table(fader('clamp')), { address: '/fader', args: [n] });
      assert.ok(c.ok);
      const u = toUnit(c.event.value)!;
      assert.ok(u >= 0 && u <= 1);
      assert.equal(c.clamped, outside);
      const i = decodeOscControl('in', table(fader('ignore')), { address: '/fader', args: [n] });
      assert.equal(i.ok, !outside);
    }),
  );
});

test('for all argument lists: NaN, infinities, strings, blobs and missing arguments are bad arguments, never events', () => {
  const bad = fc.oneof(fc.constant(Number.NaN), fc.constant(Infinity), fc.constant(-Infinity), fc.string(), fc.uint8Array(), fc.constant(null));
  fc.assert(
    fc.property(fc.option(bad, { nil: undefined }), (a) => {
      const r = decodeOscControl('in', table(fader('clamp')), { address: '/fader', args: a === undefined ? [] : [a] });
      assert.ok(!r.ok && r.reason === 'bad-argument');
    }),
  );
});

const pad = (outOfRange: 'clamp' | 'ignore'): OscControl => ({
  id: 'xy',
  transport: 'osc',
  osc: { address: '/xy', type: 'ff', min: 0, max: 1 },
  outOfRange,
  value: 'point',
  feedback: false,
});

test('an XY pad message (two floats) decodes to one point event with both coordinates', () => {
  const r = decodeOscControl('in', table(pad('clamp')), { address: '/xy', args: [0.25, 0.75] });
  assert.ok(r.ok && !r.clamped);
  assert.deepEqual(r.event.value, { kind: 'point', x: 0.25, y: 0.75 });
  assert.deepEqual(r.event.raw, [0.25, 0.75]);
});

test('an XY pad coordinate outside min..max is clamped and marked so (counted by the bridge)', () => {
  const r = decodeOscControl('in', table(pad('clamp')), { address: '/xy', args: [1.5, -0.2] });
  assert.ok(r.ok && r.clamped);
  assert.deepEqual(r.event.value, { kind: 'point', x: 1, y: 0 });
  const ignored = decodeOscControl('in', table(pad('ignore')), { address: '/xy', args: [1.5, 0.5] });
  assert.ok(!ignored.ok && ignored.reason === 'out-of-range');
});

test('an XY pad message with NaN, a missing or a non-number coordinate is refused as a bad argument (dropped, counted)', () => {
  for (const args of [[NaN, 0.5], [0.5, NaN], [0.5], [], ['a', 0.5], [Infinity, 0]]) {
    const r = decodeOscControl('in', table(pad('clamp')), { address: '/xy', args });
    assert.ok(!r.ok && r.reason === 'bad-argument', JSON.stringify(args));
  }
});

const control = (osc: OscControl['osc'], outOfRange: 'clamp' | 'ignore' = 'clamp'): OscControl => ({
  id: osc.address.slice(1),
  transport: 'osc',
  osc,
  outOfRange,
  value: 'continuous',
  feedback: false,
});
const decode = (c: OscControl, args: unknown[], time = 7) => decodeOscControl('in', table(c), { address: c.osc.address, args, time });

test('an address the profile does not name is refused as unknown-address, with the address as detail', () => {
  assert.deepEqual(decodeOscControl('in', table(fader('clamp')), { address: '/other', args: [1] }), { ok: false, reason: 'unknown-address', detail: '/other' });
});

test('a decoded event names its input, control and time, and carries the numbers and strings of the message as raw', () => {
  const r = decode(fader('clamp'), [5, true, new Uint8Array([1]), 'x'], 1234);
  assert.ok(r.ok);
  assert.deepEqual({ ...r.event, value: null }, { input: 'in', control: 'fader', value: null, raw: [5, 'x'], time: 1234 });
  const atZero = decode(fader('clamp'), [5], 0);
  assert.ok(atZero.ok);
  assert.equal(atZero.event.time, 0, 'a time of 0 is a time');
});

test('a trigger (type none) is one press whatever it carries', () => {
  const trigger = control({ address: '/go', type: 'none' });
  for (const args of [[], [0], ['x'], [NaN]]) {
    const r = decode(trigger, args);
    assert.ok(r.ok, JSON.stringify(args));
    assert.deepEqual([r.event.value, r.clamped], [{ kind: 'discrete', step: 1, max: 1 }, false]);
  }
});

test('a text control (type s) takes a string as its word and refuses anything else, saying what came', () => {
  const word = control({ address: '/word', type: 's' });
  const r = decode(word, ['warm']);
  assert.ok(r.ok);
  assert.deepEqual([r.event.value, r.event.raw, r.clamped], [{ kind: 'text', value: 'warm' }, ['warm'], false]);
  assert.deepEqual(decode(word, [3]), { ok: false, reason: 'bad-argument', detail: '/word: expected a string, got number' });
  assert.deepEqual(decode(word, []), { ok: false, reason: 'bad-argument', detail: '/word: expected a string, got undefined' });
});

test('T and F on a number control are 1 and 0', () => {
  const unit = control({ address: '/u', type: 'f', min: 0, max: 1 });
  const on = decode(unit, [true]);
  const off = decode(unit, [false]);
  assert.ok(on.ok && off.ok);
  assert.deepEqual([on.event.value, off.event.value], [{ kind: 'continuous', value: 1 }, { kind: 'continuous', value: 0 }]);
});

test('a refused number says what it was: not finite, or outside min..max', () => {
  assert.deepEqual(decode(fader('clamp'), [NaN]), { ok: false, reason: 'bad-argument', detail: '/fader: expected a finite number, got NaN' });
  assert.deepEqual(decode(fader('ignore'), [10.5]), { ok: false, reason: 'out-of-range', detail: '/fader: 10.5 is outside -10..10' });
});

test('min and max themselves are inside the range: not clamped, not ignored', () => {
  for (const [n, u] of [[-10, 0], [10, 1]]) {
    for (const policy of ['clamp', 'ignore'] as const) {
      const r = decode(fader(policy), [n]);
      assert.ok(r.ok && !r.clamped, `${n} under ${policy}`);
      assert.equal(toUnit(r.event.value), u);
    }
  }
});

test('an int control (type i) over an integer span is discrete: the step counted from min, out of |max - min| steps', () => {
  const knob = control({ address: '/k', type: 'i', min: 1, max: 9 });
  const r = decode(knob, [4]);
  assert.ok(r.ok);
  assert.deepEqual(r.event.value, { kind: 'discrete', step: 3, max: 8 });
  // a reversed range counts its steps from min downward
  const reversed = decode(control({ address: '/k', type: 'i', min: 9, max: 1 }), [7]);
  assert.ok(reversed.ok);
  assert.deepEqual(reversed.event.value, { kind: 'discrete', step: 2, max: 8 });
});

test('a float control over an integer span, and an int control over a fractional one, are continuous', () => {
  const f = decode(control({ address: '/f', type: 'f', min: 1, max: 9 }), [3]);
  assert.ok(f.ok);
  assert.deepEqual(f.event.value, { kind: 'continuous', value: 0.25 });
  const i = decode(control({ address: '/i', type: 'i', min: 0, max: 2.5 }), [1]);
  assert.ok(i.ok);
  assert.deepEqual(i.event.value, { kind: 'continuous', value: 0.4 });
});

test('an XY pad scales each coordinate from its min..max', () => {
  const wide = control({ address: '/xy', type: 'ff', min: -1, max: 1 });
  const r = decode(wide, [0, 0.5]);
  assert.ok(r.ok);
  assert.deepEqual(r.event.value, { kind: 'point', x: 0.5, y: 0.75 });
  const low = control({ address: '/xy', type: 'ff', min: 2, max: 4 });
  const s = decode(low, [3, 2.5]);
  assert.ok(s.ok);
  assert.deepEqual(s.event.value, { kind: 'point', x: 0.5, y: 0.25 });
});

test('an XY pad corner is inside its range; each coordinate past either end alone makes the message out of range', () => {
  for (const args of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
    const r = decode(pad('ignore'), args);
    assert.ok(r.ok && !r.clamped, JSON.stringify(args));
  }
  for (const args of [[-0.1, 0.5], [1.1, 0.5], [0.5, -0.1], [0.5, 1.1]]) {
    const clamped = decode(pad('clamp'), args);
    assert.ok(clamped.ok && clamped.clamped, JSON.stringify(args));
    assert.deepEqual(decode(pad('ignore'), args), { ok: false, reason: 'out-of-range', detail: `/xy: ${args[0]}, ${args[1]} is outside 0..1` });
  }
});

test('an XY pad takes T and F as 1 and 0, but never a numeric string or null', () => {
  const r = decode(pad('clamp'), [true, false]);
  assert.ok(r.ok);
  assert.deepEqual(r.event.value, { kind: 'point', x: 1, y: 0 });
  for (const args of [['0.25', 0.5], [0.5, '0.25'], [null, 0.5], [0.5, null]]) {
    const bad = decode(pad('clamp'), args);
    assert.ok(!bad.ok && bad.reason === 'bad-argument', JSON.stringify(args));
  }
});

test('a refused XY message names the first two arguments it got, or none', () => {
  assert.deepEqual(decode(pad('clamp'), [NaN, 0.5, 7]), { ok: false, reason: 'bad-argument', detail: '/xy: expected two finite numbers, got NaN, 0.5' });
  assert.deepEqual(decode(pad('clamp'), []), { ok: false, reason: 'bad-argument', detail: '/xy: expected two finite numbers, got none' });
});
