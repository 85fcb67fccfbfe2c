import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ControlEvent, ControlValue } from '../../src/codecs/control-value.js';
import { paramsToBands } from '../../src/eq/bands.js';
import type { MorphDecoder } from '../../src/morph/morph-state.js';
import { initialBridgeState, reduceControl, type BridgeState } from '../../src/pipeline/bindings.js';
import type { Binding, MorphInstance } from '../../src/profiles/types.js';
import { positionArb } from '../support/arbitraries.js';

const decoder: MorphDecoder = {
  terms: ['warm', 'bright', 'clear', 'muddy'],
  hasTerm: (t) => decoder.terms.includes(t),
  decode: () => paramsToBands([0, 100, 0, 300, 1, 0, 1000, 1, 0, 3000, 1, 0, 8000]),
};
const src = (control: string, value: Binding['source']['value'] = 'discrete') => ({ input: 'in', control, value });
const absolute = { control: 'absolute', takeover: 'jump', curve: { kind: 'linear' }, reverse: false, range: [0, 1] } as const;
const instance = (name: string, bindings: Binding[]): MorphInstance => ({
  name,
  output: 'eq',
  index: 1,
  initial: { termA: 'warm', termB: 'bright', alpha: 0.2, strength: 1, bypass: false },
  bindings,
});
const ev = (control: string, value: ControlValue): ControlEvent => ({ input: 'in', control, value, raw: [], time: 0 });
const press: ControlValue = { kind: 'discrete', step: 127, max: 127 };
const release: ControlValue = { kind: 'discrete', step: 0, max: 127 };

const instances = [
  instance('one', [
    { source: src('f1'), target: 'alpha', glue: absolute },
    { source: src('swap'), target: 'swap' },
    { source: src('preset'), target: 'preset', value: { termA: 'clear', alpha: 0.5 } },
    { source: src('enc', 'relative'), target: 'term_b', set: { kind: 'step', through: 'vocabulary' } },
    { source: src('byp'), target: 'bypass', mode: 'toggle' },
    { source: src('word', 'text'), target: 'term_a', set: { kind: 'text' } },
  ]),
  instance('two', [{ source: src('f2'), target: 'alpha', glue: absolute }]),
];

function apply(events: ControlEvent[]): BridgeState {
  let s = initialBridgeState(instances);
  for (const e of events) s = reduceControl(s, instances, e, decoder).state;
  return s;
}

test('each instance has its own state: a fader bound to one leaves the other alone', () => {
  const s = apply([ev('f1', { kind: 'discrete', step: 127, max: 127 })]);
  assert.equal(s.instances.get('one')!.alpha, 1);
  assert.equal(s.instances.get('two')!.alpha, 0.2);
});

test('swap exchanges the terms and mirrors alpha, so the sound does not jump', () => {
  const s = apply([ev('swap', press)]).instances.get('one')!;
  assert.deepEqual([s.termA, s.termB, s.alpha], ['bright', 'warm', 0.8]);
  assert.equal(apply([ev('swap', release)]).instances.get('one')!.termA, 'warm', 'a release is not a press');
});

test('a preset sets only what it names', () => {
  const s = apply([ev('preset', press)]).instances.get('one')!;
  assert.deepEqual([s.termA, s.termB, s.alpha, s.strength], ['clear', 'bright', 0.5, 1]);
});

test('an encoder steps term B through the vocabulary and stops at its ends', () => {
  const step = (delta: number) => ev('enc', { kind: 'relative', delta });
  assert.equal(apply([step(1)]).instances.get('one')!.termB, 'clear');
  assert.equal(apply([step(1), step(1), step(1), step(1)]).instances.get('one')!.termB, 'muddy');
  assert.equal(apply([step(-1), step(-1), step(-1)]).instances.get('one')!.termB, 'warm');
});

test('bypass toggles on presses only; an unknown word is rejected with suggestions and changes nothing', () => {
  assert.equal(apply([ev('byp', press), ev('byp', release)]).instances.get('one')!.bypass, true);
  assert.equal(apply([ev('byp', press), ev('byp', press)]).instances.get('one')!.bypass, false);
  const r = reduceControl(initialBridgeState(instances), instances, ev('word', { kind: 'text', value: 'wram' }), decoder);
  assert.deepEqual(r.changed, []);
  assert.match(r.rejected[0]!.text(), /unknown term "wram" \(closest: warm/);
  assert.equal(apply([ev('word', { kind: 'text', value: 'Muddier' })]).instances.get('one')!.termA, 'muddy');
});

test('for any fader position: a jump fader sets alpha to it, swap mirrors it to 1 - alpha, and swapping twice gives it back', () => {
  fc.assert(
    fc.property(positionArb, (u) => {
      const moved = apply([ev('f1', { kind: 'continuous', value: u })]).instances.get('one')!;
      assert.equal(moved.alpha, u);
      const swapped = apply([ev('f1', { kind: 'continuous', value: u }), ev('swap', press)]).instances.get('one')!;
      assert.ok(Math.abs(swapped.alpha - (1 - u)) < 1e-12);
      const back = apply([ev('f1', { kind: 'continuous', value: u }), ev('swap', press), ev('swap', press)]).instances.get('one')!;
      assert.deepEqual([back.termA, back.termB], ['warm', 'bright']);
      assert.ok(Math.abs(back.alpha - u) < 1e-12);
    }),
  );
});

// ---------------------------------------------------------------- every binding kind, one event at a time

const rel = (delta: number): ControlValue => ({ kind: 'relative', delta });
const text = (value: string): ControlValue => ({ kind: 'text', value });
const unit = (value: number): ControlValue => ({ kind: 'continuous', value });
const pickupGlue = { ...absolute, takeover: 'pickup' } as const;
const all: MorphInstance = {
  name: 'all',
  output: 'eq',
  index: 1,
  initial: { termA: 'warm', termB: 'bright', alpha: 0.2, strength: 1, bypass: false },
  bindings: [
    { source: src('alpha'), target: 'alpha', glue: absolute },
    { source: src('pick'), target: 'strength', glue: pickupGlue },
    { source: src('x'), target: 'x', glue: absolute },
    { source: src('y'), target: 'y', glue: absolute },
    { source: src('xrev', 'relative'), target: 'x', glue: { control: 'relative', step: 0.1, reverse: true, range: [0, 1] } },
    { source: src('xy', 'point'), target: 'xy' },
    { source: src('map', 'point'), target: 'map' },
    { source: src('fixedA'), target: 'term_a', set: { kind: 'fixed', term: 'muddy' } },
    { source: src('listB', 'relative'), target: 'term_b', set: { kind: 'step', through: ['muddy', 'clear'] } },
    { source: src('emptyB', 'relative'), target: 'term_b', set: { kind: 'step', through: [] } },
    { source: src('wordA', 'text'), target: 'term_a', set: { kind: 'text' } },
    { source: src('strengthOnly'), target: 'preset', value: { strength: 0.5 } },
    { source: src('onlyB'), target: 'preset', value: { termB: 'clear' } },
    { source: src('onlyA'), target: 'preset', value: { termA: 'clear' } },
    { source: src('onlyAlpha'), target: 'preset', value: { alpha: 0.7 } },
    { source: src('swap'), target: 'swap' },
    { source: src('momentary'), target: 'bypass', mode: 'momentary' },
    { source: src('set'), target: 'bypass', mode: 'set' },
    { source: src('dump'), target: 'dump' },
  ],
};
const react = (events: ControlEvent[], state = initialBridgeState([all])) => {
  let r = reduceControl(state, [all], events[0]!, decoder);
  for (const e of events.slice(1)) r = reduceControl(r.state, [all], e, decoder);
  return r;
};
const after = (...events: ControlEvent[]) => react(events).state.instances.get('all')!;

test('an event from another input, with the same control name, moves nothing', () => {
  const r = reduceControl(initialBridgeState([all]), [all], { ...ev('alpha', unit(0.9)), input: 'elsewhere' }, decoder);
  assert.deepEqual([r.changed, r.state.instances.get('all')!.alpha], [[], 0.2]);
});

test('the fader keeps no mode while the instance never left it; x and y put it on the pad, a map point on the map, the fader controls back on the fader', () => {
  assert.equal(after(ev('alpha', unit(0.9))).mode, undefined);
  assert.equal(after(ev('x', unit(0.9))).mode, 'xy');
  assert.equal(after(ev('y', unit(0.9))).mode, 'xy');
  assert.equal(after(ev('map', { kind: 'point', x: 0.1, y: 0.2 })).mode, 'map');
  for (const back of [ev('alpha', unit(0.9)), ev('swap', press), ev('onlyA', press), ev('onlyB', press), ev('fixedA', press)]) assert.equal(after(ev('x', unit(0.9)), back).mode, 'pair', back.control);
  assert.equal(after(ev('x', unit(0.9)), ev('strengthOnly', press)).mode, 'xy', 'a preset of strength only leaves the mode alone');
  assert.equal(after(ev('x', unit(0.9)), ev('onlyAlpha', press)).mode, 'pair');
});

test('a control sends nothing its binding cannot read: a step to an absolute fader, a level to an encoder, a press to a pad', () => {
  for (const e of [ev('alpha', rel(1)), ev('xrev', unit(0.5)), ev('xy', press), ev('listB', unit(0.3)), ev('wordA', press), ev('fixedA', rel(-1)), ev('onlyB', release)]) {
    const r = reduceControl(initialBridgeState([all]), [all], e, decoder);
    assert.deepEqual([r.changed, r.rejected.length], [[], 0], e.control);
  }
});

test('a reversed relative binding moves its field against the encoder', () => {
  assert.ok(Math.abs(after(ev('xrev', rel(2))).x! - 0.3) < 1e-12);
});

test('a fixed-word button sets its word whatever the message carries, a text message included', () => {
  assert.equal(after(ev('fixedA', text('clear'))).termA, 'muddy');
});

test('stepping through a list: from a word not in the list, forward goes to its first word and back to its last; a release or an empty list steps nowhere', () => {
  assert.equal(after(ev('listB', rel(1))).termB, 'muddy');
  assert.equal(after(ev('listB', rel(-1))).termB, 'clear');
  assert.equal(after(ev('listB', rel(1)), ev('listB', rel(1))).termB, 'clear', 'the given list, not the vocabulary');
  assert.equal(after(ev('listB', press)).termB, 'muddy', 'a press steps forward');
  assert.deepEqual(react([ev('listB', release)]).changed, []);
  assert.deepEqual(react([ev('emptyB', rel(1))]).changed, []);
});

test('a word longer than any term is refused as too long, naming its length and its first 40 characters; an unknown one as unknown', () => {
  const long = 'x'.repeat(100);
  const r = react([ev('wordA', text(long))]);
  assert.equal(r.rejected[0]!.key, 'term too long');
  assert.equal(r.rejected[0]!.text(), `a term of 100 characters names no term ("${'x'.repeat(40)}...")`);
  const unknown = react([ev('wordA', text('wram'))]).rejected[0]!;
  assert.equal(unknown.key, 'unknown term');
  assert.match(unknown.text(), /^unknown term "wram" \(closest: [a-z]+, [a-z]+/);
});

test('a preset that names no bypass leaves bypass as it is', () => {
  assert.equal(after(ev('set', press), ev('onlyB', press)).bypass, true);
});

test('momentary and set bypass follow the button: on while pressed, off when released', () => {
  for (const b of ['momentary', 'set']) {
    assert.equal(after(ev(b, press)).bypass, true, b);
    assert.equal(after(ev(b, press), ev(b, release)).bypass, false, b);
  }
});

test('a dump asks for the instance to be resent on a press, not on an encoder step; other events ask for no dump', () => {
  assert.deepEqual(react([ev('dump', press)]).dumps, ['all']);
  assert.deepEqual(react([ev('dump', rel(1))]).dumps, []);
  assert.deepEqual(react([ev('alpha', unit(0.5))]).dumps, []);
});

test('an event that leaves the state as it was changes nothing, even when a binding handled it', () => {
  assert.deepEqual(react([ev('alpha', unit(0.2))]).changed, []);
});

test('a change of either term makes pickup catch again; any other change leaves it caught', () => {
  const caught = react([ev('pick', unit(1))]);
  assert.equal(caught.state.takeover.get('all#1')!.caught, true);
  for (const other of [ev('alpha', unit(0.9)), ev('x', unit(0.9)), ev('strengthOnly', press)]) {
    assert.equal(react([other], caught.state).state.takeover.get('all#1')!.caught, true, other.control);
  }
  for (const term of [ev('wordA', text('clear')), ev('onlyB', press)]) {
    assert.deepEqual(react([term], caught.state).state.takeover.get('all#1'), { last: 1, caught: false }, term.control);
  }
});

test('a press is a level of at least half, a non-empty word, or a step forward', () => {
  for (const v of [unit(0.5), text('x'), rel(1)]) assert.equal(after(ev('swap', v)).termA, 'bright', JSON.stringify(v));
  for (const v of [unit(0.49), text(''), rel(-1), rel(0), { kind: 'point', x: 1, y: 1 } as const]) assert.equal(after(ev('swap', v)).termA, 'warm', JSON.stringify(v));
});
