// The shipped controller profiles decode byte sequences written down from each device's documentation into the right control events.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ControlValue } from '../../src/codecs/control-value.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, type MidiDecodeState } from '../../src/pipeline/decode-midi-control.js';
import { decodeOscControl, oscAddressTable } from '../../src/pipeline/decode-osc-control.js';
import { loadControllerProfile } from '../../src/profiles/load.js';
import type { MidiControl, OscControl } from '../../src/profiles/types.js';

const DIR = 'firmware-profiles/controllers/';

async function midiControls(file: string): Promise<ReadonlyMap<string, MidiControl>> {
  const p = await loadControllerProfile(DIR + file);
  assert.equal(p.transport, 'midi');
  return p.controls as ReadonlyMap<string, MidiControl>;
}

async function oscControls(file: string): Promise<ReadonlyMap<string, OscControl>> {
  const p = await loadControllerProfile(DIR + file);
  assert.equal(p.transport, 'osc');
  return p.controls as ReadonlyMap<string, OscControl>;
}

/** Decodes messages in order (as hex strings, "B0 00 40") and returns [control, value] for every event. */
function decodeAll(controls: ReadonlyMap<string, MidiControl>, messages: readonly string[]): [string, ControlValue][] {
  const table = midiControlTable(controls);
  let state: MidiDecodeState = EMPTY_MIDI_STATE;
  const out: [string, ControlValue][] = [];
  messages.forEach((m, i) => {
    const bytes = m.split(' ').map((h) => parseInt(h, 16));
    const r = decodeMidiControl(state, 'surface', table, bytes, i);
    state = r.state;
    for (const e of r.events) out.push([e.control, e.value]);
  });
  return out;
}

const step = (s: number, max = 127): ControlValue => ({ kind: 'discrete', step: s, max });
const rel = (delta: number): ControlValue => ({ kind: 'relative', delta });

test('nanoKONTROL2 (CC mode): fader 1 is CC 0, knob 1 CC 16, S/M/R rows CC 32/48/64, transport and marker CCs, all on channel 1', async () => {
  const c = await midiControls('korg-nanokontrol2.yaml');
  assert.deepEqual(decodeAll(c, ['B0 00 40', 'B0 07 7F', 'B0 10 00', 'B0 17 7F', 'B0 20 7F', 'B0 30 7F', 'B0 47 7F', 'B0 29 7F', 'B0 2E 7F', 'B0 3C 7F', 'B0 3E 7F']), [
    ['fader1', step(64)],
    ['fader8', step(127)],
    ['knob1', step(0)],
    ['knob8', step(127)],
    ['solo1', step(127)],
    ['mute1', step(127)],
    ['rec8', step(127)],
    ['play', step(127)],
    ['cycle', step(127)],
    ['marker_set', step(127)],
    ['marker_next', step(127)],
  ]);
});

test('nanoKONTROL2: the same CC on another channel is not the device', async () => {
  const c = await midiControls('korg-nanokontrol2.yaml');
  assert.deepEqual(decodeAll(c, ['B1 00 40']), []);
});

test('X-Touch Mini (standard mode): the captured messages of firmware 1.08 on channel 11, layer A and layer B', async () => {
  const c = await midiControls('behringer-x-touch-mini.yaml');
  assert.deepEqual(
    decodeAll(c, ['BA 01 00', 'BA 01 7F', '9A 00 7F', '8A 00 00', '9A 08 7F', '8A 08 00', 'BA 09 7F', '9A 10 7F', 'BA 0B 40', 'BA 12 01', '9A 18 7F', '9A 20 7F', '9A 2F 7F', 'BA 0A 00']),
    [
      ['a_encoder1', step(0)],
      ['a_encoder1', step(127)],
      ['a_push1', step(127)],
      ['a_push1', step(0)],
      ['a_top1', step(127)],
      ['a_top1', step(0)],
      ['a_fader', step(127)],
      ['a_bottom1', step(127)],
      ['b_encoder1', step(64)],
      ['b_encoder8', step(1)],
      ['b_push1', step(127)],
      ['b_top1', step(127)],
      ['b_bottom8', step(127)],
      ['b_fader', step(0)],
    ],
  );
});

test('MIDImix: faders CC 19..61 and master 62, three knob CCs per strip, mute/rec-arm/bank/solo notes, all on channel 1', async () => {
  const c = await midiControls('akai-midimix.yaml');
  assert.deepEqual(decodeAll(c, ['B0 13 7F', 'B0 3D 00', 'B0 3E 40', 'B0 10 01', 'B0 12 02', 'B0 2E 03', 'B0 3C 04', '90 01 7F', '80 01 00', '90 03 7F', '90 16 7F', '90 18 7F', '90 19 7F', '90 1A 7F', '90 1B 7F']), [
    ['fader1', step(127)],
    ['fader8', step(0)],
    ['master', step(64)],
    ['knob1_1', step(1)],
    ['knob1_3', step(2)],
    ['knob5_1', step(3)],
    ['knob8_3', step(4)],
    ['mute1', step(127)],
    ['mute1', step(0)],
    ['rec1', step(127)],
    ['mute8', step(127)],
    ['rec8', step(127)],
    ['bank_left', step(127)],
    ['bank_right', step(127)],
    ['solo', step(127)],
  ]);
});

test('Launch Control XL factory template 1: knob rows CC 13/29/49, faders CC 77..84, button notes 41../73.., arrows CC 104..107 on channel 9', async () => {
  const c = await midiControls('novation-launch-control-xl.yaml');
  assert.deepEqual(decodeAll(c, ['B8 0D 40', 'B8 24 7F', 'B8 31 00', 'B8 4D 7F', 'B8 54 00', '98 29 7F', '98 3C 7F', '98 49 7F', '88 5C 00', 'B8 68 7F', 'B8 6B 7F']), [
    ['send_a1', step(64)],
    ['send_b8', step(127)],
    ['pan1', step(0)],
    ['fader1', step(127)],
    ['fader8', step(0)],
    ['focus1', step(127)],
    ['focus8', step(127)],
    ['control1', step(127)],
    ['control8', step(0)],
    ['up', step(127)],
    ['right', step(127)],
  ]);
  assert.deepEqual(decodeAll(c, ['B0 4D 7F']), [], 'user template 1 (channel 1) is not the factory template');
});

test('Launch Control XL: no control asks for feedback, since its LEDs take colour bytes that feedback does not send', async () => {
  const c = await midiControls('novation-launch-control-xl.yaml');
  assert.deepEqual([...c.values()].filter((x) => x.feedback).map((x) => x.id), []);
});

test('Mackie Control: fader 1 pitch bend E0 7F 7F is the top (1.0), E0 00 00 the bottom, E8 is the master', async () => {
  const c = await midiControls('mackie-control.yaml');
  assert.deepEqual(decodeAll(c, ['E0 7F 7F', 'E0 00 00', 'E7 00 40', 'E8 7F 7F']), [
    ['fader1', { kind: 'continuous', value: 1 }],
    ['fader1', { kind: 'continuous', value: 0 }],
    ['fader8', { kind: 'continuous', value: 8192 / 16383 }],
    ['master', { kind: 'continuous', value: 1 }],
  ]);
});

test('Mackie Control: V-Pot ticks are sign-magnitude (B0 10 41 is one tick counter-clockwise, B0 10 01 one clockwise)', async () => {
  const c = await midiControls('mackie-control.yaml');
  assert.deepEqual(decodeAll(c, ['B0 10 41', 'B0 10 01', 'B0 17 05', 'B0 17 45', 'B0 3C 41']), [
    ['vpot1', rel(-1)],
    ['vpot1', rel(1)],
    ['vpot8', rel(5)],
    ['vpot8', rel(-5)],
    ['jog', rel(-1)],
  ]);
});

test('Mackie Control: REC/SOLO/MUTE/SELECT/V-Pot push, bank, transport and cursor notes on channel 1, 127 press and 0 release', async () => {
  const c = await midiControls('mackie-control.yaml');
  assert.deepEqual(decodeAll(c, ['90 00 7F', '90 08 7F', '90 10 7F', '90 18 7F', '90 18 00', '90 1F 7F', '90 20 7F', '90 27 7F', '90 2E 7F', '90 5E 7F', '90 5F 00', '90 65 7F']), [
    ['rec1', step(127)],
    ['solo1', step(127)],
    ['mute1', step(127)],
    ['select1', step(127)],
    ['select1', step(0)],
    ['select8', step(127)],
    ['vpot1_push', step(127)],
    ['vpot8_push', step(127)],
    ['bank_left', step(127)],
    ['play', step(127)],
    ['record', step(0)],
    ['right', step(127)],
  ]);
});

test('Mackie Control: touch notes 104..112, motor-fader and LED feedback, V-Pot rings on CC 48..55 in wrap mode', async () => {
  const c = await midiControls('mackie-control.yaml');
  assert.deepEqual(c.get('fader1')!.touch, { type: 'note', channel: 0, number: 104 });
  assert.deepEqual(c.get('master')!.touch, { type: 'note', channel: 0, number: 112 });
  assert.equal(c.get('fader1')!.feedback, true);
  assert.equal(c.get('select1')!.feedback, true);
  assert.deepEqual(c.get('vpot1')!.ring, { number: 48, mode: 'wrap' });
  assert.deepEqual(c.get('vpot8')!.ring, { number: 55, mode: 'wrap' });
  assert.equal(c.get('vpot1')!.midi.channel, 0, 'the ring CC goes on the V-Pot\'s own channel, 1');
  // A touch note is not a button press: it belongs to the fader's touch, not to any control's own message.
  assert.deepEqual(decodeAll(c, ['90 68 7F']), []);
});

test('TouchOSC page 1: automatic addresses with floats 0..1', async () => {
  const table = oscAddressTable(await oscControls('touchosc.yaml'));
  const at = (address: string, args: unknown[]) => {
    const r = decodeOscControl('surface', table, { address, args, time: 0 });
    assert.ok(r.ok, address);
    return [r.event.control, r.event.value];
  };
  assert.deepEqual(at('/1/fader1', [0.25]), ['fader1', { kind: 'continuous', value: 0.25 }]);
  assert.deepEqual(at('/1/rotary1', [1]), ['rotary1', { kind: 'continuous', value: 1 }]);
  assert.deepEqual(at('/1/push1', [1]), ['push1', { kind: 'continuous', value: 1 }]);
  assert.deepEqual(at('/1/push1', [0]), ['push1', { kind: 'continuous', value: 0 }]);
  assert.deepEqual(at('/1/toggle1', [1]), ['toggle1', { kind: 'continuous', value: 1 }]);
});

interface SessionWidget {
  readonly type: string;
  readonly id: string;
  readonly address: string;
  readonly mode?: string;
  readonly on?: unknown;
  readonly off?: unknown;
  readonly values?: readonly string[];
}

test('the Open Stage Control session sends only what the eqmorph OSC profile reads, with the argument types it expects', async () => {
  const session = JSON.parse(readFileSync('examples/eqmorph.json', 'utf8')) as { type: string; content: { type: string; widgets: SessionWidget[] } };
  assert.equal(session.type, 'session');
  assert.equal(session.content.type, 'root');
  const table = oscAddressTable(await oscControls('eqmorph-osc.yaml'));
  const sent: [string, string][] = [];
  for (const w of session.content.widgets) {
    // What each widget type sends, per Open Stage Control's widgets: a fader/knob a float in its range, a dropdown
    // one of its values, a toggle button its on/off value, a momentary button no argument, an xy pad x and y.
    const args: unknown[][] =
      w.type === 'fader' || w.type === 'knob' ? [[0], [0.5], [1]] : w.type === 'xy' ? [[0, 0], [0.25, 1]] : w.type === 'dropdown' ? w.values!.map((v) => [v]) : w.mode === 'momentary' ? [[]] : [[w.on], [w.off]];
    for (const a of args) {
      const r = decodeOscControl('surface', table, { address: w.address, args: a, time: 0 });
      assert.ok(r.ok, `${w.id} ${w.address} ${JSON.stringify(a)}: ${r.ok ? '' : r.detail}`);
      sent.push([w.id, r.event.value.kind]);
    }
  }
  assert.deepEqual([...new Set(sent.map(([id, kind]) => `${id}:${kind}`))].sort(), [
    'alpha:continuous',
    'bypass:discrete',
    'corner1:text',
    'corner2:text',
    'corner3:text',
    'corner4:text',
    'dump:discrete',
    'pad:point',
    'strength:continuous',
    'termA:text',
    'termB:text',
  ]);
});
