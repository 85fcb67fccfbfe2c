// Valid controller, target and mapping fixtures load into the expected typed objects.

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadAnyProfile, loadControllerProfile, loadMapping, loadTargetProfile } from '../../src/profiles/load.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (p: string) => join(FIXTURES, p);

test('a MIDI controller profile converts channels 1..16 to 0..15 and classifies each control', async () => {
  const c = await loadControllerProfile(fixture('controllers/midi-surface.yaml'));
  assert.equal(c.kind, 'controller');
  assert.equal(c.transport, 'midi');
  assert.equal(c.file, fixture('controllers/midi-surface.yaml'));
  assert.deepEqual(c.controls.get('fader1'), { id: 'fader1', transport: 'midi', midi: { type: 'cc', channel: 0, number: 0 }, value: 'discrete', maxStep: 127, feedback: false });
  assert.deepEqual(c.controls.get('fine')?.midi, { type: 'cc14', channel: 0, msb: 7, lsb: 39 });
  assert.equal(c.controls.get('fine')?.maxStep, 16383);
  assert.deepEqual(c.controls.get('knob1'), { id: 'knob1', transport: 'midi', midi: { type: 'cc', channel: 0, number: 16, relative: 'twos-complement' }, value: 'relative', feedback: false });
  assert.equal(c.controls.get('btn5')?.midi.channel, 15);
  assert.deepEqual(c.controls.get('mfader'), {
    id: 'mfader',
    transport: 'midi',
    midi: { type: 'pitchbend', channel: 0 },
    value: 'discrete',
    maxStep: 16383,
    touch: { type: 'note', channel: 0, number: 104 },
    feedback: true,
  });
  assert.deepEqual(c.controls.get('deep')?.midi, { type: 'nrpn', channel: 0, number: 1234, bits: 14 });
  assert.deepEqual(c.controls.get('prog')?.midi, { type: 'program', channel: 0 });
});

test('an OSC controller profile fills default ranges and tells text and triggers apart', async () => {
  const c = await loadControllerProfile(fixture('controllers/osc-surface.yaml'));
  assert.equal(c.transport, 'osc');
  assert.deepEqual(c.controls.get('strength')?.osc, { address: '/eqmorph/strength', type: 'f', min: 0, max: 1 });
  assert.equal(c.controls.get('alpha')?.value, 'continuous');
  assert.equal(c.controls.get('termA')?.value, 'text');
  assert.equal(c.controls.get('dump')?.value, 'trigger');
  assert.deepEqual([c.controls.get('page')?.value, c.controls.get('page')?.maxStep], ['discrete', 7]);
});

test('an OSC target profile resolves every band: {band} filled, overrides applied, {instance} kept', async () => {
  const t = await loadTargetProfile(fixture('targets/osc-eq.yaml'));
  assert.equal(t.bands.length, 5);
  const [b1, b2, , , b5] = t.bands;
  assert.deepEqual(b2, {
    number: 2,
    type: 'peaking',
    params: {
      gain: { wire: { transport: 'osc', address: '/eq/{instance:02}/band/2/gain', type: 'f' }, scaling: { kind: 'physical' } },
      freq: { wire: { transport: 'osc', address: '/eq/{instance:02}/band/2/freq', type: 'f' }, scaling: { kind: 'log', min: 20, max: 20000 } },
      q: { wire: { transport: 'osc', address: '/eq/{instance:02}/band/2/q', type: 'f' }, scaling: { kind: 'physical' } },
    },
    bandType: { wire: { transport: 'osc', address: '/eq/{instance:02}/band/2/type', type: 'i' }, values: { lowshelf: 1, peaking: 2, highshelf: 4 } },
  });
  assert.equal(b1?.params.q, null);
  assert.equal(b5?.params.q, null);
  assert.deepEqual(t.on, { transport: 'osc', address: '/eq/{instance:02}/on', type: 'i', value: 1 });
  assert.deepEqual(t.keepalive, { message: { transport: 'osc', address: '/xremote', type: 'none' }, everyMs: 9000 });
  assert.deepEqual(t.limits, { messagesPerSecond: 1000, bytesPerSecond: 3125 });
});

test('a MIDI target profile takes one number per band, null for none, and per-band overrides', async () => {
  const t = await loadTargetProfile(fixture('targets/midi-eq.yaml'));
  assert.deepEqual(t.bands[0]?.params.gain, { wire: { transport: 'midi', type: 'cc', channel: 0, number: 20 }, scaling: { kind: 'linear', min: -12, max: 12 } });
  assert.deepEqual(t.bands[2]?.params.freq?.wire, { transport: 'midi', type: 'nrpn', channel: 1, number: 102, bits: 14 });
  assert.equal(t.bands[0]?.params.q, null);
  assert.deepEqual(t.bands[1]?.params.q?.scaling, { kind: 'table', values: [0.1, 0.5, 1, 2, 5, 10] });
  assert.deepEqual(t.bands[4]?.params.gain, { wire: { transport: 'midi', type: 'cc14', channel: 2, msb: 5, lsb: 37 }, scaling: { kind: 'linear', min: -12, max: 12, invert: true } });
  assert.deepEqual(t.on, { transport: 'midi', type: 'cc', channel: 0, number: 90, value: 127 });
});

test('a mapping loads its profiles relative to itself and parses endpoints with defaults', async () => {
  const m = await loadMapping(fixture('mappings/default.yaml'));
  assert.equal(m.onExit, 'flat');
  assert.equal(m.inputs.get('surface')?.profile.file, fixture('controllers/osc-surface.yaml'));
  assert.deepEqual(m.inputs.get('surface')?.connection, { transport: 'osc', listen: { host: '127.0.0.1', port: 9000 } });
  const nano = m.inputs.get('nano')?.connection;
  assert.equal(nano?.transport, 'midi');
  if (nano?.transport === 'midi') {
    assert.equal(nano.port.kind, 'glob');
    assert.ok(nano.port.kind === 'glob' && nano.port.regex.test('nanoKONTROL2 MIDI 1'));
    assert.ok(nano.outputPort?.kind === 'regex' && nano.outputPort.regex.test('NANO port OUT'));
  }
  assert.deepEqual(m.outputs.get('eq')?.connection, { transport: 'osc', send: { host: '127.0.0.1', port: 9001 } });
  assert.deepEqual(m.outputs.get('hw')?.connection, { transport: 'midi', port: { kind: 'virtual', name: 'eqmorph out' } });
  assert.equal(m.outputs.get('hw')?.profile.name, 'Generic MIDI EQ');
});

test('a mapping instance carries its initial state with defaults and typed bindings', async () => {
  const m = await loadMapping(fixture('mappings/default.yaml'));
  const [main, second] = m.instances;
  assert.deepEqual(main?.initial, { termA: 'warm', termB: 'bright', alpha: 0, strength: 1, bypass: false });
  assert.deepEqual(second?.initial, { termA: 'clear', termB: 'airy', alpha: 0, strength: 1, bypass: false });
  assert.equal(second?.index, 1);
  assert.deepEqual(main?.bindings, [
    { source: { input: 'surface', control: 'alpha', value: 'continuous' }, target: 'alpha', glue: { control: 'absolute', takeover: 'pickup', curve: { kind: 'linear' }, reverse: false, range: [0, 1] } },
    { source: { input: 'nano', control: 'knob1', value: 'relative' }, target: 'strength', glue: { control: 'relative', step: 0.02, reverse: false, range: [0, 1] } },
    { source: { input: 'surface', control: 'termA', value: 'text' }, target: 'term_a', set: { kind: 'text' } },
    { source: { input: 'nano', control: 'btn1', value: 'discrete' }, target: 'term_a', set: { kind: 'fixed', term: 'warm' } },
    { source: { input: 'nano', control: 'knob2', value: 'relative' }, target: 'term_b', set: { kind: 'step', through: 'vocabulary' } },
    { source: { input: 'nano', control: 'btn3', value: 'discrete' }, target: 'swap' },
    { source: { input: 'nano', control: 'btn4', value: 'discrete' }, target: 'preset', value: { termA: 'warm', termB: 'bright', alpha: 0.5 } },
    { source: { input: 'nano', control: 'btn5', value: 'discrete' }, target: 'bypass', mode: 'toggle' },
    { source: { input: 'surface', control: 'dump', value: 'trigger' }, target: 'dump' },
  ]);
  assert.deepEqual(second?.bindings[0], {
    source: { input: 'nano', control: 'mfader', value: 'discrete' },
    target: 'alpha',
    glue: { control: 'absolute', takeover: 'scale', curve: { kind: 'power', exponent: 2 }, reverse: false, range: [0, 1] },
  });
  assert.deepEqual(second?.bindings[1]?.target === 'term_b' && second.bindings[1].set, { kind: 'step', through: ['warm', 'bright', 'clear'] });
});

test('a mapping with knownTerms accepts terms the model knows', async () => {
  const vocab = new Set(['warm', 'bright', 'clear', 'airy']);
  const m = await loadMapping(fixture('mappings/default.yaml'), { knownTerms: (t) => vocab.has(t) });
  assert.equal(m.instances.length, 2);
});

test('loadAnyProfile dispatches on kind', async () => {
  assert.equal((await loadAnyProfile(fixture('controllers/osc-surface.yaml'))).kind, 'controller');
  assert.equal((await loadAnyProfile(fixture('targets/midi-eq.yaml'))).kind, 'target');
  assert.equal((await loadAnyProfile(fixture('mappings/default.yaml'))).kind, 'mapping');
});
