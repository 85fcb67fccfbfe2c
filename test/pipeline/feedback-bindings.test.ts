// The feedback stage over every kind of binding that can show something: positional faders bound to alpha (over a
// part of its range), strength, x and y; a relative encoder's ring; a button lit by a fixed term; OSC text fields,
// a number and a light on an OSC feedback sink; two inputs and two instances at once. The pacing runs on a virtual
// clock, so no test waits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import type { ControlEvent, ControlValue } from '../../src/codecs/control-value.js';
import type { MorphState } from '../../src/morph/morph-state.js';
import type { BridgeState } from '../../src/pipeline/bindings.js';
import { createFeedback, type CausedReaction, type FeedbackOptions, type FeedbackSink, type RawMidi } from '../../src/pipeline/feedback.js';
import { loadMapping } from '../../src/profiles/load.js';
import type { Mapping } from '../../src/profiles/types.js';
import { createMemoryLink } from '../../src/transports/memory.js';
import type { OscOutMessage } from '../../src/transports/osc-udp.js';
import { fader, strengthArb } from '../support/arbitraries.js';
import { passesEchoFilter } from './echo-filter.js';

const dir = mkdtempSync(join(tmpdir(), 'eqmorph-fbkinds-'));
after(() => rmSync(dir, { recursive: true }));

const RIG = `version: 1
kind: controller
name: rig
transport: midi
controls:
  fader: { midi: { type: pitchbend, channel: 1 }, touch: { type: note, channel: 1, number: 104 }, feedback: true }
  level: { midi: { type: cc, channel: 1, number: 7 }, feedback: true }
  padx: { midi: { type: cc, channel: 1, number: 8 }, feedback: true }
  pady: { midi: { type: cc, channel: 1, number: 9 }, feedback: true }
  pot: { midi: { type: cc, channel: 1, number: 16, relative: sign-magnitude }, ring: { number: 48 }, feedback: true }
  button: { midi: { type: note, channel: 1, number: 60 }, feedback: true }
  knob: { midi: { type: cc, channel: 1, number: 1 } }
  aux: { midi: { type: cc, channel: 1, number: 20 }, feedback: true }
`;

const SURFACE = `version: 1
kind: controller
name: surface
transport: osc
controls:
  word_a: { osc: { address: /a, type: s }, feedback: true }
  word_b: { osc: { address: /b, type: s }, feedback: true }
  corner: { osc: { address: /corner2, type: s }, feedback: true }
  amount: { osc: { address: /amount, type: f, min: 0, max: 10 }, feedback: true }
  on: { osc: { address: /on, type: i, min: 0, max: 1 }, feedback: true }
`;

/** Binding indexes of instance main, in the order below (the takeover state is keyed `main#<index>`). */
const FADER = 0;
const LEVEL = 1;
const PADX = 2;
const PADY = 3;
const POT = 4;
const AMOUNT = 10;

const MAPPING = `version: 1
kind: mapping
name: kinds
inputs:
  rig: { profile: rig.yaml, midi: { port: Rig, output_port: Rig } }
  surface: { profile: surface.yaml, osc: { listen: 127.0.0.1:9000, feedback: 127.0.0.1:9001 } }
outputs:
  eq: { profile: ${resolve('firmware-profiles/targets/eqmorph-osc.yaml')}, osc: { send: 127.0.0.1:9 } }
instances:
  - name: main
    output: eq
    index: 1
    initial: { term_a: warm, term_b: bright }
    bindings:
      - { source: rig.fader, target: alpha, range: [0.2, 0.8] }
      - { source: rig.level, target: strength }
      - { source: rig.padx, target: x }
      - { source: rig.pady, target: y }
      - { source: rig.pot, target: alpha, step: 0.05 }
      - { source: rig.button, target: term_b, value: dark }
      - { source: rig.knob, target: alpha }
      - { source: surface.word_a, target: term_a }
      - { source: surface.word_b, target: term_b }
      - { source: surface.corner, target: corner, corner: 2 }
      - { source: surface.amount, target: strength }
      - { source: surface.on, target: bypass, mode: toggle }
  - name: side
    output: eq
    index: 2
    initial: { term_a: warm, term_b: bright }
    bindings:
      - { source: rig.aux, target: alpha }
`;

let mapping: Mapping;
before(async () => {
  writeFileSync(join(dir, 'rig.yaml'), RIG);
  writeFileSync(join(dir, 'surface.yaml'), SURFACE);
  writeFileSync(join(dir, 'm.yaml'), MAPPING);
  mapping = await loadMapping(join(dir, 'm.yaml'));
});

const morph = (m: Partial<MorphState> = {}): MorphState => ({ termA: 'warm', termB: 'bright', alpha: 0.5, strength: 1, bypass: false, ...m });
const bridge = (main: MorphState, side: MorphState = morph()): BridgeState => ({
  instances: new Map([
    ['main', main],
    ['side', side],
  ]),
  takeover: new Map(),
});
const reaction = (state: BridgeState, o: { changed?: string[]; dumps?: string[]; cause?: ControlEvent } = {}): CausedReaction => ({
  state,
  changed: o.changed ?? ['main'],
  dumps: o.dumps ?? [],
  rejected: [],
  ...(o.cause ? { cause: o.cause } : {}),
});
const event = (input: string, control: string, value: ControlValue, time = 0): ControlEvent => ({ input, control, value, raw: [], time });
const cc = (control: string, step: number, time = 0) => event('rig', control, { kind: 'discrete', step, max: 127 }, time);
const word = (control: string, value: string) => event('surface', control, { kind: 'text', value });

/** A stage on a virtual clock with memory sinks for both inputs; what each receives, and when (virtual ms). */
function stage(opts: Pick<FeedbackOptions, 'now' | 'echoWindowMs' | 'intervalMs'> & { noSinks?: boolean } = {}) {
  const clock = new VirtualTimeScheduler();
  const midi = createMemoryLink<readonly number[], unknown>();
  const osc = createMemoryLink<OscOutMessage, unknown>();
  void midi.a.open();
  void midi.b.open();
  void osc.a.open();
  void osc.b.open();
  const rig: { at: number; bytes: number[] }[] = [];
  const surface: { at: number; message: OscOutMessage }[] = [];
  midi.b.messages$.subscribe((m) => rig.push({ at: clock.now(), bytes: [...m] }));
  osc.b.messages$.subscribe((m) => surface.push({ at: clock.now(), message: m }));
  const { noSinks, ...rest } = opts;
  const sinks = new Map<string, FeedbackSink>(noSinks ? [] : [['rig', midi.a], ['surface', osc.a]]);
  const fb = createFeedback({ mapping, sinks, scheduler: clock, ...rest });
  const reactions = new Subject<CausedReaction>();
  const touch = new Subject<RawMidi>();
  const sub = fb.connect(reactions, touch);
  /** Sends `r` now and lets the pacing interval run out. */
  const show = (r: CausedReaction) => {
    reactions.next(r);
    clock.flush();
  };
  /** What dropEchoes lets through of one event. */
  const passes = (e: ControlEvent) => passesEchoFilter(fb, e);
  const bytes = () => rig.map((m) => m.bytes);
  const messages = () => surface.map((m) => m.message);
  return { fb, clock, reactions, touch, rig, surface, bytes, messages, show, passes, stop: () => sub.unsubscribe() };
}

/** Messages in a stable order, for comparing what was sent regardless of which control went first. */
const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();

test('every control that can show its binding is a target, once, on either input; controls without a sink are none', () => {
  const { fb, stop } = stage();
  assert.deepEqual(
    fb.targets.map((t) => [t.key, t.instance.name, t.bindingIndex]),
    [
      ['rig.fader', 'main', 0],
      ['rig.level', 'main', 1],
      ['rig.padx', 'main', 2],
      ['rig.pady', 'main', 3],
      ['rig.pot', 'main', 4],
      ['rig.button', 'main', 5],
      ['surface.word_a', 'main', 7],
      ['surface.word_b', 'main', 8],
      ['surface.corner', 'main', 9],
      ['surface.amount', 'main', 10],
      ['surface.on', 'main', 11],
      ['rig.aux', 'side', 0],
    ],
  );
  stop();
  assert.deepEqual(stage({ noSinks: true }).fb.targets, []);
});

test('a control bound twice shows the first of its bindings', async () => {
  writeFileSync(
    join(dir, 'twice.yaml'),
    MAPPING.replace('      - { source: rig.fader, target: alpha, range: [0.2, 0.8] }\n', '      - { source: rig.fader, target: strength }\n      - { source: rig.fader, target: alpha }\n'),
  );
  const fb = createFeedback({ mapping: await loadMapping(join(dir, 'twice.yaml')), sinks: new Map([['rig', createMemoryLink<readonly number[], unknown>().a]]) });
  const fader = fb.targets.find((t) => t.key === 'rig.fader')!;
  assert.equal(fader.binding.target, 'strength');
  assert.equal(fader.bindingIndex, 0);
});

test('the start state reaches every control of both inputs, each in its own message', () => {
  const { show, bytes, messages, stop } = stage();
  show(reaction(bridge(morph({ alpha: 0.8, strength: 0.75, x: 0, y: 1, bypass: true, termB: 'dark', corners: ['a', 'b', 'c', 'd'] })), { changed: [], dumps: ['main', 'side'] }));
  assert.deepEqual(sorted(bytes()), sorted([[0xe0, 0x7f, 0x7f], [0xb0, 7, 95], [0xb0, 8, 0], [0xb0, 9, 127], [0xb0, 48, 9], [0x90, 60, 127], [0xb0, 20, 64]]));
  assert.deepEqual(sorted(messages()), sorted([
    { address: '/a', args: ['warm'], types: 's' },
    { address: '/b', args: ['dark'], types: 's' },
    { address: '/corner2', args: ['b'], types: 's' },
    { address: '/amount', args: [7.5], types: 'f' },
    { address: '/on', args: [1], types: 'i' },
  ]));
  stop();
});

test('only the instances a reaction changed or dumped are shown', () => {
  const { show, bytes, messages, stop } = stage();
  show(reaction(bridge(morph(), morph({ alpha: 1 })), { changed: ['side'] }));
  assert.deepEqual(bytes(), [[0xb0, 20, 127]]);
  assert.deepEqual(messages(), []);
  show(reaction(bridge(morph(), morph({ alpha: 0 })), { changed: [], dumps: [] }));
  assert.deepEqual(bytes(), [[0xb0, 20, 127]], 'nothing moved, nothing sent');
  stop();
});

test('a positional control moved by hand is not sent its own change; every other control is', () => {
  const causes: [string, ControlEvent][] = [
    ['fader', event('rig', 'fader', { kind: 'discrete', step: 16383, max: 16383 })],
    ['level', cc('level', 0)],
    ['padx', cc('padx', 127)],
    ['pady', cc('pady', 0)],
  ];
  const all = { fader: [0xe0, 0x7f, 0x7f], level: [0xb0, 7, 0], padx: [0xb0, 8, 127], pady: [0xb0, 9, 0], pot: [0xb0, 48, 9], button: [0x90, 60, 0] };
  for (const [name, cause] of causes) {
    const { show, bytes, stop } = stage();
    show(reaction(bridge(morph({ alpha: 0.8, strength: 0, x: 1, y: 0 })), { cause }));
    const expected = Object.entries(all)
      .filter(([k]) => k !== name)
      .map(([, b]) => b);
    assert.deepEqual(sorted(bytes()), sorted(expected), `moved by ${name}`);
    stop();
  }
});

test("an encoder's ring shows the value the encoder itself just turned", () => {
  const { show, bytes, stop } = stage();
  show(reaction(bridge(morph({ alpha: 1 })), { cause: event('rig', 'pot', { kind: 'relative', delta: 3 }) }));
  assert.deepEqual(
    bytes().filter((b) => b[0] === 0xb0 && b[1] === 48),
    [[0xb0, 48, 11]],
  );
  stop();
});

test('catchUp: a fader bound to strength, x, y or a part of alpha is caught where the value sits in its range', () => {
  const { fb, stop } = stage();
  // Where `v` sits in [lo, hi], as a share of the span, held to the ends outside it.
  const within = (v: number, lo: number, hi: number) => (v <= lo ? 0 : v >= hi ? 1 : (v - lo) / (hi - lo));
  fc.assert(
    fc.property(fader(), strengthArb, fader(), fader(), (alpha, strength, x, y) => {
      const r = fb.catchUp(reaction(bridge(morph({ alpha, strength, x, y }))));
      const caught = (i: number) => r.state.takeover.get(`main#${i}`)!;
      assert.equal(caught(FADER).caught, true);
      assert.ok(Math.abs(caught(FADER).last! - within(alpha, 0.2, 0.8)) < 1e-12, `alpha ${alpha}: ${caught(FADER).last}`);
      assert.deepEqual(caught(LEVEL), { last: strength, caught: true });
      assert.deepEqual(caught(PADX), { last: x, caught: true });
      assert.deepEqual(caught(PADY), { last: y, caught: true });
      assert.deepEqual(caught(AMOUNT), { last: strength, caught: true });
    }),
  );
  stop();
});

test('catchUp: a pad axis the state has never set is caught at the middle; rings, lights, words and unfed controls keep no pickup', () => {
  const { fb, stop } = stage();
  const r = fb.catchUp(reaction(bridge(morph({ alpha: 0.5 }))));
  assert.deepEqual(r.state.takeover.get(`main#${PADX}`), { last: 0.5, caught: true });
  assert.deepEqual(r.state.takeover.get(`main#${PADY}`), { last: 0.5, caught: true });
  assert.deepEqual([...r.state.takeover.keys()].sort(), [FADER, LEVEL, PADX, PADY, AMOUNT].map((i) => `main#${i}`).sort());
  assert.equal(r.state.takeover.has(`main#${POT}`), false);
  stop();
});

test('catchUp covers a dumped instance, leaves an instance that did not move and a fader touched by hand', () => {
  const { fb, touch, stop } = stage();
  const dumped = fb.catchUp(reaction(bridge(morph({ strength: 0.25 })), { changed: [], dumps: ['main'] }));
  assert.deepEqual(dumped.state.takeover.get(`main#${LEVEL}`), { last: 0.25, caught: true });
  const still = reaction(bridge(morph()), { changed: ['side'] });
  assert.deepEqual([...fb.catchUp(still).state.takeover.keys()], ['side#0']);
  touch.next({ input: 'rig', bytes: [0x90, 104, 127] });
  assert.equal(fb.catchUp(reaction(bridge(morph()))).state.takeover.has(`main#${FADER}`), false);
  stop();
});

test('the echo of a value sent to a fader bound to strength, x or y is dropped; a ring turned after its feedback is not', () => {
  const { show, passes, fb, stop } = stage({ now: () => 1000 });
  show(reaction(bridge(morph({ strength: 1, x: 0, y: 1, alpha: 1 }))));
  assert.equal(passes(cc('level', 127, 1200)), false);
  assert.equal(passes(cc('padx', 0, 1200)), false);
  assert.equal(passes(cc('pady', 126, 1200)), false);
  assert.equal(passes(event('rig', 'pot', { kind: 'relative', delta: 1 }, 1200)), true);
  assert.equal(fb.counters().echoesDropped, 3);
  stop();
});

test('with the default clock, a fader reporting the position just sent is an echo; long after it is a move', () => {
  const { show, passes, stop } = stage();
  show(reaction(bridge(morph({ strength: 1 }))));
  const t = performance.now();
  assert.equal(passes(cc('level', 127, t)), false);
  assert.equal(passes(cc('level', 127, t + 60_000)), true);
  stop();
});

test('an echo window given in the options replaces the default one', () => {
  const { show, passes, stop } = stage({ now: () => 0, echoWindowMs: 50 });
  show(reaction(bridge(morph({ strength: 1 }))));
  assert.equal(passes(cc('level', 127, 50)), false);
  assert.equal(passes(cc('level', 127, 100)), true);
  stop();
});

test('a word typed into a text field is what it shows: it is not sent back the word it typed', () => {
  const typed: [string, string, Partial<MorphState>][] = [
    ['word_a', 'bright', { termA: 'bright' }],
    ['word_b', 'clear', { termB: 'clear' }],
    ['corner', 'clear', { corners: ['dark', 'clear', 'full', 'airy'] }],
  ];
  for (const [control, text, state] of typed) {
    const { show, passes, messages, stop } = stage();
    const e = word(control, text);
    assert.equal(passes(e), true);
    show(reaction(bridge(morph(state)), { cause: e }));
    const address = mapping.inputs.get('surface')!.profile.controls.get(control)!;
    assert.equal(messages().filter((m) => m.address === (address.transport === 'osc' ? address.osc.address : '')).length, 0, `${control} is not sent ${text}`);
    stop();
  }
});

test('a word understood as another is corrected on the text field', () => {
  const { show, passes, messages, stop } = stage();
  const e = word('word_a', 'brite');
  assert.equal(passes(e), true);
  show(reaction(bridge(morph({ termA: 'bright' })), { cause: e }));
  assert.deepEqual(
    messages().filter((m) => m.address === '/a'),
    [{ address: '/a', args: ['bright'], types: 's' }],
  );
  stop();
});

test('a button that sets a fixed term lights when pressed: its press is no picture of the term', () => {
  const { show, passes, bytes, stop } = stage();
  const press = event('rig', 'button', { kind: 'discrete', step: 127, max: 127 });
  assert.equal(passes(press), true);
  show(reaction(bridge(morph({ termB: 'dark' })), { cause: press }));
  assert.deepEqual(
    bytes().filter((b) => b[0] === 0x90),
    [[0x90, 60, 127]],
  );
  stop();
});

test('OSC feedback: a number in the control range, a light as an integer, each sent once while it does not change', () => {
  const { show, messages, stop } = stage();
  show(reaction(bridge(morph({ strength: 0.25, bypass: true }))));
  show(reaction(bridge(morph({ strength: 0.25, bypass: true }))));
  assert.deepEqual(
    messages().filter((m) => m.address === '/amount' || m.address === '/on'),
    [
      { address: '/amount', args: [2.5], types: 'f' },
      { address: '/on', args: [1], types: 'i' },
    ],
  );
  stop();
});

test('pacing: one message per control per 20 ms by default, the newest value at the end of the interval', () => {
  const { clock, reactions, rig, stop } = stage();
  const at = (ms: number, strength: number) => clock.schedule(() => reactions.next(reaction(bridge(morph({ strength })))), ms);
  at(0, 0);
  at(10, 1);
  at(30, 0.5);
  clock.flush();
  const level = rig.filter((m) => m.bytes[0] === 0xb0 && m.bytes[1] === 7);
  assert.deepEqual(level, [
    { at: 20, bytes: [0xb0, 7, 127] },
    { at: 50, bytes: [0xb0, 7, 64] },
  ]);
  stop();
});

test('pacing: an interval given in the options replaces the default one', () => {
  const { clock, reactions, rig, stop } = stage({ intervalMs: 100 });
  clock.schedule(() => reactions.next(reaction(bridge(morph({ strength: 0 })))), 0);
  clock.schedule(() => reactions.next(reaction(bridge(morph({ strength: 1 })))), 60);
  clock.flush();
  assert.deepEqual(
    rig.filter((m) => m.bytes[0] === 0xb0 && m.bytes[1] === 7),
    [{ at: 100, bytes: [0xb0, 7, 127] }],
  );
  stop();
});

test('pacing: a dump followed within the interval by an ordinary change still resends; the next ordinary change does not', () => {
  const { clock, reactions, show, rig, stop } = stage();
  show(reaction(bridge(morph({ strength: 1 }))));
  const start = clock.now();
  clock.schedule(() => reactions.next(reaction(bridge(morph({ strength: 1 })), { dumps: ['main'] })), 0);
  clock.schedule(() => reactions.next(reaction(bridge(morph({ strength: 1 })))), 5);
  clock.flush();
  show(reaction(bridge(morph({ strength: 1 }))));
  assert.deepEqual(
    rig.filter((m) => m.bytes[0] === 0xb0 && m.bytes[1] === 7),
    [
      { at: start, bytes: [0xb0, 7, 127] },
      { at: start + 20, bytes: [0xb0, 7, 127] },
    ],
  );
  stop();
});

test('a touch on an OSC input or for a control without touch sends nothing', () => {
  const { touch, clock, show, bytes, messages, stop } = stage();
  show(reaction(bridge(morph())));
  const sent = [bytes().length, messages().length];
  touch.next({ input: 'surface', bytes: [0x90, 104, 0] });
  touch.next({ input: 'rig', bytes: [0x90, 60, 0] });
  clock.flush();
  assert.deepEqual([bytes().length, messages().length], sent);
  stop();
});
