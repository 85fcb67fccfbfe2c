import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { existsSync } from 'node:fs';
import { learnedOscYaml, learnMidi } from '../../src/cli/learn.js';
import { UsageError } from '../../src/cli/errors.js';
import { parseControllerProfile } from '../../src/profiles/load.js';
import { createFakeMidiBackend } from '../../src/transports/midi-fake.js';
import type { OscInMessage } from '../../src/transports/osc-udp.js';

const msg = (address: string, types: string, args: (number | string)[]): OscInMessage => ({ address, types, args, from: { address: '127.0.0.1', port: 1 }, time: 0 });

test('a float fader becomes a 0..1 float control and an alpha binding with pickup', () => {
  const y = learnedOscYaml([msg('/1/fader1', 'f', [0.2]), msg('/1/fader1', 'f', [0.9])], 'alpha');
  const control = parse(y.split('# in the mapping')[0]!.split('\n').slice(1).join('\n'));
  assert.deepEqual(control, { '1_fader1': { osc: { address: '/1/fader1', type: 'f', min: 0, max: 1 } } });
  assert.match(y, /- \{ source: <input>\.1_fader1, target: alpha, takeover: pickup \}/);
});

test('an int control keeps the widest range it was seen to send; a bare address is a trigger', () => {
  assert.match(learnedOscYaml([msg('/knob', 'i', [3]), msg('/knob', 'i', [200])], 'strength'), /type: i, min: 0, max: 200/);
  assert.match(learnedOscYaml([msg('/go', '', [])], 'dump'), /type: none/);
  assert.match(learnedOscYaml([msg('/word', 's', ['warm'])], 'term_a'), /type: s[\s\S]*target: term_a/);
});

// ---------------------------------------------------------------- MIDI, through an injected port backend

/** Runs `learn --midi-in` against a fake port, moving a control shortly after it starts listening. */
async function learnFrom(messages: number[][], target = 'alpha') {
  const backend = createFakeMidiBackend(['nanoKONTROL2 MIDI 1']);
  let out = '';
  let err = '';
  // Move the control once learn has the port open, as a hand would after reading "waiting".
  const move = () => (backend.isOpen('nanoKONTROL2 MIDI 1', 'input') ? messages.forEach((m) => backend.emit('nanoKONTROL2 MIDI 1', m)) : setTimeout(move, 5));
  setTimeout(move, 5);
  const code = await learnMidi({ port: 'nano*', target, seconds: 5, sampleMs: 60, backend }, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

/** The controller entry of learn's output, loaded as a real profile. */
function learnedControl(out: string) {
  const entry = out.split('# in the controller profile, under controls:\n')[1]!.split('\n')[0]!;
  const profile = parseControllerProfile(`version: 1\nkind: controller\nname: learned\ntransport: midi\ncontrols:\n${entry}\n`, 'learned.yaml');
  const c = [...profile.controls.values()][0]!;
  assert.ok(c.transport === 'midi');
  return c;
}

test('learn --midi-in: a sign-magnitude encoder turned both ways becomes a relative CC and a step binding', async () => {
  const r = await learnFrom([1, 1, 2, 65, 65, 1, 1, 66, 1].map((v) => [0xb0, 16, v]), 'strength');
  assert.equal(r.code, 0, r.err);
  const c = learnedControl(r.out);
  assert.deepEqual(c.midi, { type: 'cc', channel: 0, number: 16, relative: 'sign-magnitude' });
  assert.match(r.out, /- \{ source: <input>\.cc16_ch1, target: strength, step: 0\.01 \}/);
});

test('learn --midi-in: a touch-sensitive pitch-bend fader becomes a fader with its touch note', async () => {
  const r = await learnFrom([[0x93, 107, 127], [0xe3, 0, 40], [0xe3, 0, 50], [0x93, 107, 0]]);
  assert.equal(r.code, 0, r.err);
  const c = learnedControl(r.out);
  assert.deepEqual(c.midi, { type: 'pitchbend', channel: 3 });
  assert.deepEqual(c.touch, { type: 'note', channel: 3, number: 107 });
  assert.match(r.out, /takeover: pickup/);
});

test('learn --midi-in: a 14-bit pair and an NRPN load back as what was moved', async () => {
  const pair = await learnFrom([[0xb0, 7, 20], [0xb0, 39, 5], [0xb0, 7, 21], [0xb0, 39, 100]]);
  assert.deepEqual(learnedControl(pair.out).midi, { type: 'cc14', channel: 0, msb: 7, lsb: 39 });
  const nrpn = await learnFrom([[0xb1, 99, 1], [0xb1, 98, 2], [0xb1, 6, 40], [0xb1, 38, 3]]);
  assert.deepEqual(learnedControl(nrpn.out).midi, { type: 'nrpn', channel: 1, number: 130, bits: 14 });
});

test('learn --midi-in: nothing moving within the timeout is exit 1 with a one-line reason', async () => {
  const backend = createFakeMidiBackend(['nanoKONTROL2 MIDI 1']);
  let err = '';
  const code = await learnMidi({ port: 'nano*', target: 'alpha', seconds: 0.05, backend }, () => {}, (s) => (err += s));
  assert.equal(code, 1);
  assert.match(err, /^nothing arrived on MIDI input nano\* within 0\.05 s; check the port name with eqmorph ports\n$/);
});

test('learn --midi-in: an invalid /regex/ is bad input', async () => {
  await assert.rejects(learnMidi({ port: '/[/', target: 'alpha', seconds: 1, backend: createFakeMidiBackend() }, () => {}, () => {}), UsageError);
});

test('learn --midi-in where MIDI is unavailable says so in one line and exits 1', { skip: existsSync('/dev/snd/seq') ? 'an ALSA sequencer exists here, so MIDI is available' : false }, async () => {
  let err = '';
  const code = await learnMidi({ port: 'anything', target: 'alpha', seconds: 1 }, () => {}, (s) => (err += s));
  assert.equal(code, 1);
  assert.match(err, /^eqmorph learn: MIDI unavailable: .+\n$/);
});

test('learn --help explains --target and --timeout', async () => {
  const { LEARN_HELP } = await import('../../src/cli/learn.js');
  assert.match(LEARN_HELP, /--target T +what the printed binding drives[^]*alpha\s+\(default\), strength, term_a, term_b, bypass, dump or swap/);
  assert.match(LEARN_HELP, /--timeout S +how many seconds to wait for the first message before giving up with exit code 1\s+\(default 60\)/);
});
