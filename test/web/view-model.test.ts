import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { paramsToBands, type Band, type EqSettings } from '../../src/eq/bands.js';
import { responseDb } from '../../src/eq/response.js';
import { morphBands, type MorphDecoder, type MorphState } from '../../src/morph/morph-state.js';
import type { MorphInstance } from '../../src/profiles/types.js';
import { latentMap } from '../../src/web/latent-map.js';
import { CURVE_FREQS, eventLine, frameMessage, helloMessage, instanceView, messageRates, transportViews } from '../../src/web/view-model.js';
import { positionArb } from '../support/arbitraries.js';

// A decoder whose EQ moves linearly between two settings: enough to check that the view follows the decoder exactly.
const A = [3, 120, -4, 400, 1.2, 2, 1500, 0.9, -1, 4000, 2, 5, 9000];
const B = [-6, 80, 2, 250, 0.7, -3, 2500, 1.5, 4, 6000, 1, -2, 12000];
const decoder: MorphDecoder = {
  terms: ['warm', 'bright', 'clear'],
  hasTerm: (t) => decoder.terms.includes(t),
  decode: (_a, _b, alpha): EqSettings => paramsToBands(A.map((x, i) => x + alpha * (B[i]! - x))),
};
const centroids = new Map<string, number[]>([
  ['warm', [1, 0, 0, 0.2]],
  ['bright', [-1, 0.5, 0.1, 0]],
  ['clear', [0, -1, 0.3, -0.2]],
]);
const map = latentMap(centroids);
const centroid = (t: string) => centroids.get(t);
const inst: MorphInstance = { name: 'main', output: 'eq', index: 1, initial: { termA: 'warm', termB: 'bright', alpha: 0, strength: 1, bypass: false }, bindings: [] };
const state = (over: Partial<MorphState> = {}): MorphState => ({ termA: 'warm', termB: 'bright', alpha: 0.3, strength: 0.8, bypass: false, ...over });

test('the curve is the cookbook response of the bands the outputs send, on the page\'s log grid', () => {
  const s = state();
  const view = instanceView(inst, s, decoder, map, centroid);
  const expected = responseDb(morphBands(s, decoder), CURVE_FREQS);
  assert.equal(view.curve.length, CURVE_FREQS.length);
  view.curve.forEach((db, i) => assert.ok(Math.abs(db - expected[i]!) <= 0.005, `${CURVE_FREQS[i]} Hz`));
  morphBands(s, decoder).forEach((b, i) => assert.ok(Math.abs(view.bands[i]!.gain - b.gain) <= 0.005));
  assert.equal(CURVE_FREQS[0], 20);
  assert.equal(CURVE_FREQS.at(-1), 20000);
});

test('bypass shows a flat curve; strength 0 too', () => {
  for (const s of [state({ bypass: true }), state({ strength: 0 })]) {
    assert.ok(instanceView(inst, s, decoder, map, centroid).curve.every((db) => db === 0));
  }
});

test('for all alphas: the map point lies on the segment from A to B, at alpha along it', () => {
  fc.assert(
    fc.property(positionArb, (alpha) => {
      const v = instanceView(inst, state({ alpha }), decoder, map, centroid);
      for (const k of [0, 1]) assert.ok(Math.abs(v.point[k]! - (v.a[k]! + alpha * (v.b[k]! - v.a[k]!))) <= 2e-4);
    }),
  );
});

test('the ends of the path are where their terms sit on the map', () => {
  const v = instanceView(inst, state({ termA: 'clear', termB: 'warm' }), decoder, map, centroid);
  const at = (t: string) => map.points.find((p) => p.term === t)!;
  assert.ok(Math.abs(v.a[0] - at('clear').x) < 1e-3 && Math.abs(v.a[1] - at('clear').y) < 1e-3);
  assert.ok(Math.abs(v.b[0] - at('warm').x) < 1e-3 && Math.abs(v.b[1] - at('warm').y) < 1e-3);
});

test('hello carries the vocabulary, the grid, the gain range and the map', () => {
  const h = helloMessage(decoder.terms, map);
  assert.deepEqual(h.terms, decoder.terms);
  assert.equal(h.freqs.length, CURVE_FREQS.length);
  assert.deepEqual(h.gainRange, [-12, 12]);
  assert.deepEqual(h.map.points.map((p) => p.term), ['warm', 'bright', 'clear']);
});

test('a frame has one view per instance with a state, in mapping order', () => {
  const other = { ...inst, name: 'second' };
  const f = frameMessage([inst, other], new Map([['second', state()], ['main', state({ alpha: 1 })]]), decoder, map, centroid, [], []);
  assert.deepEqual(f.instances.map((i) => [i.name, i.alpha]), [['main', 1], ['second', 0.3]]);
});

test('message rates are counter differences over the elapsed time, never negative, zero on the first sample', () => {
  const c = (i: number, o: number) => ({ in: i, out: o, dropped: 0, errors: 0, reconnects: 0 });
  assert.deepEqual(messageRates(null, { time: 0, counters: [c(5, 5)] }), [{ inRate: 0, outRate: 0 }]);
  assert.deepEqual(messageRates({ time: 1000, counters: [c(10, 0)] }, { time: 1500, counters: [c(40, 60)] }), [{ inRate: 60, outRate: 120 }]);
  assert.deepEqual(messageRates({ time: 0, counters: [c(10, 10)] }, { time: 1000, counters: [c(0, 0)] }), [{ inRate: 0, outRate: 0 }]);
});

test('transport views pair each transport with its status, rates and counters', () => {
  const entries = [{ name: 'surface', role: 'in' as const, kind: 'osc' as const, endpoint: 'x' }];
  const counters = { in: 3, out: 0, dropped: 1, errors: 0, reconnects: 0 };
  const [v] = transportViews(entries, [{ state: 'error', detail: 'port gone' }], { time: 0, counters: [counters] }, [{ inRate: 2, outRate: 0 }]);
  assert.deepEqual(v, { ...entries[0], state: 'error', detail: 'port gone', inRate: 2, outRate: 0, counters });
});

test('an event is named in the log by input, control and value', () => {
  assert.equal(eventLine({ input: 'web', control: 'main/alpha', value: { kind: 'continuous', value: 0.25 }, raw: [], time: 0 }, 0).text, 'web.main/alpha 0.25');
  assert.equal(eventLine({ input: 'hw', control: 'enc', value: { kind: 'relative', delta: 2 }, raw: [], time: 0 }, 0).text, 'hw.enc +2 steps');
  assert.equal(eventLine({ input: 'hw', control: 'enc', value: { kind: 'relative', delta: -1 }, raw: [], time: 0 }, 0).text, 'hw.enc -1 step');
  assert.equal(eventLine({ input: 'hw', control: 'b', value: { kind: 'discrete', step: 64, max: 127 }, raw: [], time: 0 }, 0).text, 'hw.b 64 of 127 (0.5)');
  assert.equal(eventLine({ input: 'surface', control: 'bypass', value: { kind: 'discrete', step: 1, max: 1 }, raw: [], time: 0 }, 0).text, 'surface.bypass on');
  assert.equal(eventLine({ input: 'surface', control: 'bypass', value: { kind: 'discrete', step: 0, max: 1 }, raw: [], time: 0 }, 0).text, 'surface.bypass off');
});

test('an instance that follows its desk shows the desk\'s bands and their curve, marked as the desk\'s', () => {
  const desk = [{ type: 'lowshelf', gain: 6, freq: 100, q: 0.71 }, { type: 'peaking', gain: -9, freq: 1000, q: 2 }] as unknown as Band[];
  const frame = frameMessage([inst], new Map([['main', state()]]), decoder, map, centroid, [], [], () => [...desk]);
  const view = frame.instances[0]!;
  assert.equal(view.fromDesk, true);
  assert.deepEqual(view.bands.map((b) => b.gain), [6, -9]);
  const expected = responseDb([...desk], CURVE_FREQS);
  view.curve.forEach((db, i) => assert.ok(Math.abs(db - expected[i]!) <= 0.005));
  assert.equal(frameMessage([inst], new Map([['main', state()]]), decoder, map, centroid, [], []).instances[0]!.fromDesk, undefined);
});
