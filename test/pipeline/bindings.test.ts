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
