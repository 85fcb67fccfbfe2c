import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ControlEvent, ControlValue } from '../../src/codecs/control-value.js';
import { paramsToBands } from '../../src/eq/bands.js';
import { decodeState, type MorphDecoder } from '../../src/morph/morph-state.js';
import { initialBridgeState, reduceControl, type BridgeState } from '../../src/pipeline/bindings.js';
import type { Binding, MorphInstance } from '../../src/profiles/types.js';

// Each decode path answers with its own marker gain on band 1, so a test can tell which one the state follows.
const flat = (g: number) => paramsToBands([g, 100, 0, 300, 1, 0, 1000, 1, 0, 3000, 1, 0, 8000]);
const decoder: MorphDecoder = {
  terms: ['warm', 'bright', 'clear', 'muddy', 'airy', 'full'],
  hasTerm: (t) => decoder.terms.includes(t),
  decode: () => flat(1),
  decodeXY: () => flat(2),
  decodeMap: () => flat(3),
};
const src = (control: string, value: Binding['source']['value'] = 'continuous') => ({ input: 'in', control, value });
const absolute = { control: 'absolute', takeover: 'jump', curve: { kind: 'linear' }, reverse: false, range: [0, 1] } as const;
const pickup = { ...absolute, takeover: 'pickup' } as const;
const relative = { control: 'relative', step: 0.01, reverse: false, range: [0, 1] } as const;

const pad: MorphInstance = {
  name: 'main',
  output: 'eq',
  index: 1,
  initial: { termA: 'warm', termB: 'bright', alpha: 0.2, strength: 1, bypass: false, corners: ['warm', 'bright', 'full', 'airy'] },
  bindings: [
    { source: src('alpha'), target: 'alpha', glue: absolute },
    { source: src('x'), target: 'x', glue: absolute },
    { source: src('y'), target: 'y', glue: { ...absolute, reverse: true, range: [0.2, 0.8] } },
    { source: src('xknob'), target: 'x', glue: pickup },
    { source: src('xenc', 'relative'), target: 'x', glue: relative },
    { source: src('xy', 'point'), target: 'xy' },
    { source: src('map', 'point'), target: 'map' },
    { source: src('c1', 'text'), target: 'corner', corner: 1, set: { kind: 'text' } },
    { source: src('c4btn', 'discrete'), target: 'corner', corner: 4, set: { kind: 'fixed', term: 'muddy' } },
    { source: src('c2enc', 'relative'), target: 'corner', corner: 2, set: { kind: 'step', through: ['bright', 'clear', 'muddy'] } },
    { source: src('termA', 'text'), target: 'term_a', set: { kind: 'text' } },
    { source: src('strength'), target: 'strength', glue: absolute },
  ],
};
const two: MorphInstance = { name: 'two', output: 'eq', index: 2, initial: { termA: 'warm', termB: 'bright', alpha: 0.2, strength: 1, bypass: false }, bindings: [{ source: src('alpha'), target: 'alpha', glue: absolute }] };
const instances = [pad, two];
const ev = (control: string, value: ControlValue): ControlEvent => ({ input: 'in', control, value, raw: [], time: 0 });
const at = (v: number): ControlValue => ({ kind: 'continuous', value: v });
const point = (x: number, y: number): ControlValue => ({ kind: 'point', x, y });

function run(events: ControlEvent[]): { state: BridgeState; rejected: string[] } {
  let s = initialBridgeState(instances);
  const rejected: string[] = [];
  for (const e of events) {
    const r = reduceControl(s, instances, e, decoder);
    s = r.state;
    rejected.push(...r.rejected.map((x) => x.text()));
  }
  return { state: s, rejected };
}
const main = (events: ControlEvent[]) => run(events).state.instances.get('main')!;
const heard = (events: ControlEvent[]) => decodeState(main(events), decoder)[0].gain;

test('an instance starts on the two-word fader, with no mode in its state', () => {
  assert.equal(heard([]), 1);
  assert.equal(main([]).mode, undefined);
});

test('an xy message sets both coordinates and puts the instance on the pad', () => {
  const s = main([ev('xy', point(0.25, 0.75))]);
  assert.deepEqual([s.mode, s.x, s.y], ['xy', 0.25, 0.75]);
  assert.equal(heard([ev('xy', point(0.25, 0.75))]), 2);
});

test('x and y carry the alpha glue: reverse and range apply', () => {
  const s = main([ev('x', at(0.3)), ev('y', at(0.25))]);
  assert.equal(s.x, 0.3);
  assert.ok(Math.abs(s.y! - (0.2 + 0.75 * 0.6)) < 1e-12, `y ${s.y}`);
});

test('a pickup knob on x is ignored until it reaches the pad point', () => {
  const s = main([ev('xy', point(0.5, 0.5)), ev('xknob', at(0.1)), ev('xknob', at(0.2))]);
  assert.equal(s.x, 0.5);
  assert.equal(main([ev('xy', point(0.5, 0.5)), ev('xknob', at(0.1)), ev('xknob', at(0.6))]).x, 0.6, 'crossing the point picks it up');
});

test('a relative encoder on x moves from the middle and clamps at the ends', () => {
  assert.ok(Math.abs(main([ev('xenc', { kind: 'relative', delta: 3 })]).x! - 0.53) < 1e-12);
  assert.equal(main([ev('xenc', { kind: 'relative', delta: 500 })]).x, 1);
});

test('an alpha or term message puts the instance back on the fader; the pad keeps its point', () => {
  const s = main([ev('xy', point(0.1, 0.9)), ev('alpha', at(0.4))]);
  assert.deepEqual([s.mode, s.x, s.y, s.alpha], ['pair', 0.1, 0.9, 0.4]);
  assert.equal(main([ev('xy', point(0.1, 0.9)), ev('termA', { kind: 'text', value: 'clear' })]).mode, 'pair');
});

test('strength acts on the pad without leaving it', () => {
  const s = main([ev('xy', point(0.1, 0.9)), ev('strength', at(0.5))]);
  assert.deepEqual([s.mode, s.strength], ['xy', 0.5]);
});

test('a map point puts the instance on the sound map', () => {
  const s = main([ev('map', point(0.3, 0.6))]);
  assert.deepEqual([s.mode, s.mapX, s.mapY], ['map', 0.3, 0.6]);
  assert.equal(heard([ev('map', point(0.3, 0.6))]), 3);
});

test('corner words are set by text, by a button and by stepping, as terms are', () => {
  const s = main([ev('c1', { kind: 'text', value: 'Muddy' }), ev('c4btn', { kind: 'discrete', step: 127, max: 127 }), ev('c2enc', { kind: 'relative', delta: 1 })]);
  assert.deepEqual(s.corners, ['muddy', 'clear', 'full', 'muddy']);
  assert.equal(s.mode, 'xy');
});

test('an unknown corner word is refused with the closest known ones, and changes nothing', () => {
  const r = run([ev('c1', { kind: 'text', value: 'brite' })]);
  assert.deepEqual(r.state.instances.get('main')!.corners, ['warm', 'bright', 'full', 'airy']);
  assert.equal(r.rejected.length, 1);
  assert.match(r.rejected[0]!, /unknown term "brite" \(closest: .*bright/);
});

test('a two-word instance is untouched by pad and map events', () => {
  const before = run([]).state.instances.get('two');
  const after = run([ev('xy', point(0.3, 0.3)), ev('map', point(0.2, 0.2)), ev('c1', { kind: 'text', value: 'clear' })]).state.instances.get('two');
  assert.deepEqual(after, before);
});

test('any xy point, in range or not, lands inside the pad', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, min: -10, max: 10 }), fc.double({ noNaN: true, min: -10, max: 10 }), (x, y) => {
      const s = main([ev('xy', point(x, y))]);
      assert.ok(s.x! >= 0 && s.x! <= 1 && s.y! >= 0 && s.y! <= 1);
    }),
  );
});
