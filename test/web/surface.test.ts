import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { paramsToBands } from '../../src/eq/bands.js';
import type { MorphDecoder } from '../../src/morph/morph-state.js';
import { initialBridgeState, reduceControl } from '../../src/pipeline/bindings.js';
import type { Mapping, MorphInstance } from '../../src/profiles/types.js';
import { pageCommand, WEB_INPUT, webControlId, withWebSurface } from '../../src/web/surface.js';

const decoder: MorphDecoder = {
  terms: ['warm', 'bright', 'clear'],
  hasTerm: (t) => decoder.terms.includes(t),
  decode: () => paramsToBands([0, 100, 0, 300, 1, 0, 1000, 1, 0, 3000, 1, 0, 8000]),
};
const inst = (name: string): MorphInstance => ({
  name,
  output: 'eq',
  index: 1,
  initial: { termA: 'warm', termB: 'bright', alpha: 0, strength: 1, bypass: false },
  bindings: [{ source: { input: 'hw', control: 'f1', value: 'continuous' }, target: 'alpha', glue: { control: 'absolute', takeover: 'pickup', curve: { kind: 'linear' }, reverse: false, range: [0, 1] } }],
});
const mapping = { kind: 'mapping', name: 'm', version: 1, file: 'm.yaml', inputs: new Map(), outputs: new Map(), instances: [inst('one'), inst('two')], onExit: 'hold' } as unknown as Mapping;
const names = ['one', 'two'];

test('the surface adds its bindings after the user\'s own, to every instance', () => {
  const m = withWebSurface(mapping);
  for (const i of m.instances) {
    assert.deepEqual(i.bindings[0], mapping.instances[0]!.bindings[0]);
    assert.ok(i.bindings.slice(1).every((b) => b.source.input === WEB_INPUT && b.source.control.startsWith(`${i.name}/`)));
  }
  assert.equal(mapping.instances[0]!.bindings.length, 1, 'the mapping given is not changed');
});

test('a page command drives only the instance it names, through the bindings', () => {
  const m = withWebSurface(mapping);
  let state = initialBridgeState(m.instances);
  for (const text of [
    { control: 'alpha', value: 0.75 },
    { control: 'strength', value: 0.5 },
    { control: 'termB', value: 'Clearer' },
    { control: 'bypass', value: true },
  ].map((c) => JSON.stringify({ type: 'set', instance: 'two', ...c }))) {
    const cmd = pageCommand(text, names, 0);
    assert.ok(cmd.ok, text);
    state = reduceControl(state, m.instances, cmd.event, decoder).state;
  }
  assert.deepEqual(state.instances.get('two'), { termA: 'warm', termB: 'clear', alpha: 0.75, strength: 0.5, bypass: true });
  assert.deepEqual(state.instances.get('one'), mapping.instances[0]!.initial);
});

test('the page\'s alpha jumps: it needs no pickup, since the page always shows the current value', () => {
  const m = withWebSurface(mapping);
  const cmd = pageCommand(JSON.stringify({ type: 'set', instance: 'one', control: 'alpha', value: 0.9 }), names, 0);
  assert.ok(cmd.ok);
  assert.equal(reduceControl(initialBridgeState(m.instances), m.instances, cmd.event, decoder).state.instances.get('one')!.alpha, 0.9);
});

test('malformed, unknown and mistyped commands are refused with a reason', () => {
  const bad = ['not json', '42', '{"type":"get"}', '{"type":"set","instance":"three","control":"alpha","value":0}', '{"type":"set","instance":"one","control":"gain","value":0}', '{"type":"set","instance":"one","control":"alpha","value":"x"}', '{"type":"set","instance":"one","control":"alpha","value":null}', '{"type":"set","instance":"one","control":"termA","value":""}', '{"type":"set","instance":"one","control":"bypass","value":1}'];
  for (const text of bad) {
    const r = pageCommand(text, names, 0);
    assert.ok(!r.ok && r.reason.length > 0, text);
  }
});

test('for all numbers: alpha and strength commands become continuous values clamped to 0..1', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('alpha', 'strength'), (value, control) => {
      const r = pageCommand(JSON.stringify({ type: 'set', instance: 'one', control, value }), names, 7);
      assert.ok(r.ok);
      assert.equal(r.event.control, webControlId('one', control as 'alpha'));
      assert.equal(r.event.time, 7);
      assert.ok(r.event.value.kind === 'continuous' && r.event.value.value >= 0 && r.event.value.value <= 1);
      if (value >= 0 && value <= 1) assert.equal(r.event.value.value, value === 0 ? 0 : value);
    }),
  );
});
