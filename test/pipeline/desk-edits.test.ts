// What the desk reports on an output: eqmorph's own values are echoes, its queries' answers are answers, anything else
// is an edit that the output's policy acts on; a report never makes eqmorph send.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { createDeskWatch } from '../../src/pipeline/desk-edits.js';
import type { WireMessage } from '../../src/pipeline/encode-target.js';
import { loadTargetProfile } from '../../src/profiles/load.js';
import type { DeskEditPolicy, Mapping, MorphInstance } from '../../src/profiles/types.js';
import { createMemoryLink } from '../../src/transports/memory.js';
import type { OscInMessage, OscOutMessage } from '../../src/transports/osc-udp.js';

const x32 = await loadTargetProfile(resolve('firmware-profiles/targets/behringer-x32-channel.yaml'));

async function setup(policy: DeskEditPolicy, takeover: 'jump' | 'pickup' = 'jump') {
  const instance = {
    name: 'ch1',
    output: 'x32',
    index: 1,
    initial: { termA: 'warm', termB: 'bright', alpha: 0, strength: 1, bypass: false },
    bindings: [{ source: { input: 'nano', control: 'fader1', value: 'discrete' }, target: 'alpha', glue: { control: 'absolute', takeover, curve: { kind: 'linear' }, reverse: false, range: [0, 1] } }],
  } as unknown as MorphInstance;
  const mapping = { outputs: new Map([['x32', { name: 'x32', profile: x32, connection: { transport: 'osc', send: { host: '127.0.0.1', port: 1 } }, onDeskEdit: policy }]]), instances: [instance] } as unknown as Mapping;
  const link = createMemoryLink<OscOutMessage, OscInMessage>();
  await link.a.open();
  await link.b.open();
  const desk = createDeskWatch({ mapping, outputs: new Map([['x32', link.a]]) });
  const report = (address: string, value: number) => link.b.send({ address, args: [value], types: 'f', from: { address: '127.0.0.1', port: 1 }, time: 0 });
  const gain = (value: number): WireMessage => ({ key: 'ch1/b2/gain', transport: 'osc', address: '/ch/01/eq/2/g', type: 'f', value });
  return { desk, report, gain, sentToDesk: () => link.a.counters().out };
}

test('a report of the value eqmorph just sent is an echo, not an edit', async () => {
  const { desk, report, gain } = await setup('override');
  desk.sent('x32', [gain(0.5)]);
  report('/ch/01/eq/2/g', 0.5);
  assert.deepEqual(desk.counters().get('x32'), { edits: 0, echoes: 1, answers: 0, other: 0 });
  desk.stop();
});

test('a late echo of an earlier value (sent twice since) is still an echo', async () => {
  const { desk, report, gain } = await setup('override');
  desk.sent('x32', [gain(0.5)]);
  desk.sent('x32', [gain(0.6)]);
  desk.sent('x32', [gain(0.7)]);
  report('/ch/01/eq/2/g', 0.5);
  assert.equal(desk.counters().get('x32')!.echoes, 1);
  desk.stop();
});

test('a value eqmorph did not send is an edit; reports of other parameters are read and left alone; nothing is sent back', async () => {
  const { desk, report, gain, sentToDesk } = await setup('override');
  desk.sent('x32', [gain(0.5)]);
  const edits: string[] = [];
  desk.edits$.subscribe((e) => edits.push(e.text));
  report('/ch/01/eq/2/g', 0.9);
  report('/ch/01/mix/fader', 0.75);
  assert.deepEqual(desk.counters().get('x32'), { edits: 1, echoes: 0, answers: 0, other: 1 });
  assert.deepEqual(edits, ['x32: desk edit ch1 band 2 gain +12.00 dB (override: the next move of the instance overwrites it)']);
  assert.equal(sentToDesk(), 0);
  desk.stop();
});

test('override: the edited parameter is forgotten by de-duplication, so the next frame sends it even when eqmorph\'s value did not change', async () => {
  const { desk, report, gain } = await setup('override');
  const lastSent = new Map([['ch1/b2/gain', gain(0.5)]]);
  desk.sent('x32', [gain(0.5)]);
  report('/ch/01/eq/2/g', 0.9);
  const held = desk.prepare('ch1', lastSent, [gain(0.5)]);
  assert.equal(held.size, 0);
  assert.equal(lastSent.has('ch1/b2/gain'), false);
  desk.stop();
});

test('yield: the edited parameter is held until a control moves the instance (jump takeover), then sent again', async () => {
  const { desk, report, gain } = await setup('yield');
  const lastSent = new Map([['ch1/b2/gain', gain(0.5)]]);
  desk.sent('x32', [gain(0.5)]);
  report('/ch/01/eq/2/g', 0.9);
  assert.deepEqual([...desk.prepare('ch1', lastSent, [gain(0.55)])], ['ch1/b2/gain'], 'a frame no control caused (a resync) leaves it');
  desk.retake('ch1');
  assert.equal(desk.prepare('ch1', lastSent, [gain(0.6)]).size, 0);
  assert.equal(lastSent.has('ch1/b2/gain'), false);
  desk.stop();
});

test('yield with pickup: a moved instance takes the parameter back only once eqmorph\'s value meets or crosses the desk\'s', async () => {
  const { desk, report, gain } = await setup('yield', 'pickup');
  desk.sent('x32', [gain(0.5)]);
  report('/ch/01/eq/2/g', 0.7);
  desk.retake('ch1');
  assert.equal(desk.prepare('ch1', new Map(), [gain(0.6)]).size, 1, '0.5 -> 0.6 has not reached 0.7');
  assert.equal(desk.prepare('ch1', new Map(), [gain(0.65)]).size, 1);
  assert.equal(desk.prepare('ch1', new Map(), [gain(0.75)]).size, 0, '0.65 -> 0.75 crossed 0.7');
  desk.stop();
});

test('answers to queries are answers; one that differs from what eqmorph had sent before asking is an edit', async () => {
  const { desk, report, gain } = await setup('follow');
  desk.sent('x32', [gain(0.5)]);
  desk.query('x32');
  await new Promise((r) => setTimeout(r, 200));
  report('/ch/01/eq/2/g', 0.5);
  report('/ch/01/eq/2/f', 0.3);
  assert.deepEqual(desk.counters().get('x32'), { edits: 0, echoes: 0, answers: 2, other: 0 });
  desk.query('x32');
  await new Promise((r) => setTimeout(r, 200));
  report('/ch/01/eq/2/g', 0.8);
  assert.equal(desk.counters().get('x32')!.edits, 1);
  assert.equal(desk.deskValues('ch1').get('ch1/b2/gain'), 0.8);
  desk.stop();
});
