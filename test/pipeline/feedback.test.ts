import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Subject } from 'rxjs';
import type { ControlEvent } from '../../src/codecs/control-value.js';
import type { MorphState } from '../../src/morph/morph-state.js';
import { causedBy, createFeedback, type CausedReaction, type RawMidi } from '../../src/pipeline/feedback.js';
import { loadMapping } from '../../src/profiles/load.js';
import type { Mapping } from '../../src/profiles/types.js';
import { createMemoryLink } from '../../src/transports/memory.js';
import { passesEchoFilter } from './echo-filter.js';
import { mappingText } from './mapping-text.js';

const dir = mkdtempSync(join(tmpdir(), 'eqmorph-fbunit-'));
after(() => rmSync(dir, { recursive: true }));

async function motorMapping(): Promise<Mapping> {
  writeFileSync(
    join(dir, 'surface.yaml'),
    `version: 1
kind: controller
name: motor
transport: midi
controls:
  fader: { midi: { type: pitchbend, channel: 1 }, touch: { type: note, channel: 1, number: 104 }, feedback: true }
  knob: { midi: { type: cc, channel: 1, number: 1 } }
`,
  );
  writeFileSync(
    join(dir, 'm.yaml'),
    mappingText({
      inputs: ['desk: { profile: surface.yaml, midi: { port: Desk, output_port: Desk } }'],
      bindings: ['{ source: desk.fader, target: alpha, takeover: pickup }', '{ source: desk.knob, target: alpha, takeover: pickup }'],
    }),
  );
  return loadMapping(join(dir, 'm.yaml'));
}

const morph = (alpha: number): MorphState => ({ termA: 'warm', termB: 'bright', alpha, strength: 1, bypass: false });
const reaction = (alpha: number, opts: { dump?: boolean; cause?: ControlEvent; caught?: boolean } = {}): CausedReaction => ({
  state: { instances: new Map([['main', morph(alpha)]]), takeover: new Map([['main#0', { last: 0.1, caught: opts.caught ?? false }]]) },
  changed: ['main'],
  dumps: opts.dump ? ['main'] : [],
  rejected: [],
  ...(opts.cause ? { cause: opts.cause } : {}),
});
const faderEvent = (step: number, time: number): ControlEvent => ({ input: 'desk', control: 'fader', value: { kind: 'discrete', step, max: 16383 }, raw: [], time });
const settle = () => new Promise((r) => setTimeout(r, 60));

async function stage(now?: () => number) {
  const mapping = await motorMapping();
  const link = createMemoryLink<readonly number[], unknown>();
  await link.a.open();
  await link.b.open();
  const received: number[][] = [];
  link.b.messages$.subscribe((m) => received.push([...m]));
  const fb = createFeedback({ mapping, sinks: new Map([['desk', link.a]]), ...(now ? { now } : {}) });
  const reactions = new Subject<CausedReaction>();
  const touch = new Subject<RawMidi>();
  const sub = fb.connect(reactions, touch);
  return { fb, reactions, touch, received, stop: () => sub.unsubscribe() };
}

test('causedBy is the reaction with its cause added, every field kept', () => {
  const r = reaction(0.4, { dump: true });
  const e = faderEvent(100, 5);
  assert.deepEqual(causedBy(r, e), { ...r, cause: e });
  assert.equal(causedBy(r, e).state, r.state);
});

test('only controls with feedback: true and a feedback path are targets', async () => {
  const { fb, stop } = await stage();
  assert.deepEqual(fb.targets.map((t) => t.key), ['desk.fader']);
  stop();
});

test('catchUp marks pickup caught at the target value for a control about to be moved there, not for the mover or a touched fader', async () => {
  const { fb, touch, stop } = await stage();
  const r = fb.catchUp(reaction(0.6));
  assert.deepEqual(r.state.takeover.get('main#0'), { last: 0.6, caught: true });
  assert.equal(r.state.takeover.has('main#1'), false, 'a control without feedback keeps its pickup state');
  const moved = fb.catchUp(reaction(0.6, { cause: faderEvent(100, 0) }));
  assert.deepEqual(moved.state.takeover.get('main#0'), { last: 0.1, caught: false });
  touch.next({ input: 'desk', bytes: [0x90, 104, 127] });
  assert.deepEqual(fb.catchUp(reaction(0.6)).state.takeover.get('main#0'), { last: 0.1, caught: false });
  stop();
});

test('a burst of changes sends the newest value only, never a queue of stale ones', async () => {
  const { reactions, received, stop } = await stage();
  for (let i = 1; i <= 1000; i++) reactions.next(reaction(i / 1000));
  await settle();
  assert.ok(received.length >= 1 && received.length <= 2, `${received.length} messages for 1000 changes`);
  assert.deepEqual(received.at(-1), [0xe0, 0x7f, 0x7f]);
  stop();
});

test('a value the control already shows is not sent again, except on a dump', async () => {
  const { reactions, received, stop } = await stage();
  reactions.next(reaction(0.5));
  await settle();
  reactions.next(reaction(0.5));
  await settle();
  assert.equal(received.length, 1);
  reactions.next(reaction(0.5, { dump: true }));
  await settle();
  assert.equal(received.length, 2);
  stop();
});

test('the moving control is not sent its own change', async () => {
  const { reactions, received, stop } = await stage();
  reactions.next(reaction(0.5, { cause: faderEvent(8192, 0) }));
  await settle();
  assert.equal(received.length, 0);
  stop();
});

test('an echo is the fed-back position within one step and within the echo window; later or elsewhere it is a move', async () => {
  const clock = 1000;
  const { fb, reactions, stop } = await stage(() => clock);
  reactions.next(reaction(0.5));
  await settle();
  const pass = (e: ControlEvent) => passesEchoFilter(fb, e);
  const sentStep = Math.round(0.5 * 16383);
  assert.equal(pass(faderEvent(sentStep, clock + 10)), false, 'the echo is dropped');
  assert.equal(pass(faderEvent(sentStep + 1, clock + 10)), false, 'one step off is still the echo');
  assert.equal(pass(faderEvent(sentStep + 40, clock + 10)), true, 'a different position is a move');
  assert.equal(pass(faderEvent(sentStep, clock + 5000)), true, 'long after, the same position is a move');
  assert.equal(fb.counters().echoesDropped, 2);
  stop();
});

test('while touched the motor is not driven; on release it is put at the current value', async () => {
  const { reactions, touch, received, stop } = await stage();
  touch.next({ input: 'desk', bytes: [0x90, 104, 127] });
  reactions.next(reaction(1));
  await settle();
  assert.equal(received.length, 0);
  touch.next({ input: 'desk', bytes: [0x90, 104, 0] });
  await settle();
  assert.deepEqual(received, [[0xe0, 0x7f, 0x7f]]);
  stop();
});

const knobEvent: ControlEvent = { input: 'desk', control: 'knob', value: { kind: 'discrete', step: 64, max: 127 }, raw: [], time: 0 };
const passes = passesEchoFilter;

test('a control that cannot show what it is bound to is no feedback target', async () => {
  writeFileSync(
    join(dir, 'swap.yaml'),
    mappingText({
      inputs: ['desk: { profile: surface.yaml, midi: { port: Desk, output_port: Desk } }'],
      bindings: ['{ source: desk.fader, target: swap }'],
    }),
  );
  await motorMapping(); // writes surface.yaml
  const fb = createFeedback({ mapping: await loadMapping(join(dir, 'swap.yaml')), sinks: new Map([['desk', createMemoryLink<readonly number[], unknown>().a]]) });
  assert.deepEqual(fb.targets, []);
});

test('events of controls without feedback pass the echo filter untouched', async () => {
  const { fb, reactions, stop } = await stage(() => 1000);
  reactions.next(reaction(0.5));
  await settle();
  assert.equal(passes(fb, { ...knobEvent, time: 1000 }), true);
  stop();
});

test('the fed-back position at exactly the end of the echo window is still the echo', async () => {
  const { fb, reactions, stop } = await stage(() => 1000);
  reactions.next(reaction(0.5));
  await settle();
  assert.equal(passes(fb, faderEvent(Math.round(0.5 * 16383), 1000 + 500)), false);
  stop();
});

test('each value sent is counted', async () => {
  const { fb, reactions, stop } = await stage();
  reactions.next(reaction(0.5));
  await settle();
  reactions.next(reaction(0.7));
  await settle();
  assert.equal(fb.counters().feedbackSent, 2);
  stop();
});

test('catchUp hands back the very reaction when no control is due to move', async () => {
  const { fb, stop } = await stage();
  const r = reaction(0.6, { cause: faderEvent(100, 0) });
  assert.equal(fb.catchUp(r), r);
  stop();
});

test('a change caused by a control of the same name on another input is shown on this one', async () => {
  const { reactions, received, stop } = await stage();
  reactions.next(reaction(1, { cause: { ...faderEvent(100, 0), input: 'other' } }));
  await settle();
  assert.deepEqual(received, [[0xe0, 0x7f, 0x7f]]);
  stop();
});

test('a position the fader was moved to is what it shows: the same value from elsewhere is not sent back to it', async () => {
  const { fb, reactions, received, stop } = await stage(() => 1000);
  assert.equal(passes(fb, faderEvent(16383, 1000)), true);
  reactions.next(reaction(1, { cause: knobEvent }));
  await settle();
  assert.deepEqual(received, []);
  stop();
});

test('a released fader is put at the value even when it was last sent that value; touches from elsewhere and other messages change nothing', async () => {
  const { reactions, touch, received, stop } = await stage();
  touch.next({ input: 'desk', bytes: [0x90, 104, 0] }); // a release before any state: nothing to show yet
  await settle();
  reactions.next(reaction(1));
  await settle();
  assert.equal(received.length, 1);
  touch.next({ input: 'other', bytes: [0x90, 104, 0] });
  touch.next({ input: 'desk', bytes: [0xb0, 1, 5] });
  await settle();
  assert.equal(received.length, 1, 'a release on another input, or a message that is no touch, sends nothing');
  touch.next({ input: 'desk', bytes: [0x90, 104, 127] });
  touch.next({ input: 'desk', bytes: [0x90, 104, 0] });
  await settle();
  assert.deepEqual(received, [[0xe0, 0x7f, 0x7f], [0xe0, 0x7f, 0x7f]]);
  stop();
});
