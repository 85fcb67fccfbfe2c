// The ready mappings' XY pads (OSC and two MIDI knobs) and the default mapping's sound-map address reach the pad, its corners and the map.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialBridgeState, reduceControl } from '../../src/pipeline/bindings.js';
import { decodeOscControl, oscAddressTable } from '../../src/pipeline/decode-osc-control.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, type MidiDecodeState } from '../../src/pipeline/decode-midi-control.js';
import { loadMapping } from '../../src/profiles/load.js';
import type { MidiControl, OscControl } from '../../src/profiles/types.js';
import { VOCABULARY, vocabularyDecoder } from '../support/vocabulary.js';

const decoder = vocabularyDecoder;

async function play(messages: { address: string; args: unknown[] }[]) {
  const m = await loadMapping('mappings/default.yaml', { knownTerms: (t) => VOCABULARY.includes(t) });
  const table = oscAddressTable(m.inputs.get('surface')!.profile.controls as ReadonlyMap<string, OscControl>);
  let state = initialBridgeState(m.instances);
  for (const msg of messages) {
    const r = decodeOscControl('surface', table, msg);
    assert.ok(r.ok, msg.address);
    const next = reduceControl(state, m.instances, r.event, decoder);
    assert.deepEqual(next.rejected, []);
    state = next.state;
  }
  return state.instances.get('main')!;
}

test('mappings/default.yaml: /eqmorph/corner/1..4, /eqmorph/xy, /eqmorph/x and /eqmorph/y play the pad', async () => {
  const s = await play([
    { address: '/eqmorph/corner/1', args: ['dark'] },
    { address: '/eqmorph/corner/2', args: ['bright'] },
    { address: '/eqmorph/corner/3', args: ['warm'] },
    { address: '/eqmorph/corner/4', args: ['airy'] },
    { address: '/eqmorph/xy', args: [0.25, 0.75] },
    { address: '/eqmorph/x', args: [0.5] },
  ]);
  assert.deepEqual([s.mode, s.corners, s.x, s.y], ['xy', ['dark', 'bright', 'warm', 'airy'], 0.5, 0.75]);
});

test('mappings/default.yaml: /eqmorph/alpha goes back to the fader and /eqmorph/map to the sound map', async () => {
  const back = await play([{ address: '/eqmorph/xy', args: [0.25, 0.75] }, { address: '/eqmorph/alpha', args: [0.5] }]);
  assert.deepEqual([back.mode, back.alpha], ['pair', 0.5]);
  const map = await play([{ address: '/eqmorph/map', args: [0.2, 0.9] }]);
  assert.deepEqual([map.mode, map.mapX, map.mapY], ['map', 0.2, 0.9]);
});

test('mappings/touchosc.yaml: the XY pad xy1 plays the pad over its four corners', async () => {
  const m = await loadMapping('mappings/touchosc.yaml', { knownTerms: (t) => VOCABULARY.includes(t) });
  const table = oscAddressTable(m.inputs.get('surface')!.profile.controls as ReadonlyMap<string, OscControl>);
  const r = decodeOscControl('surface', table, { address: '/1/xy1', args: [0.2, 0.8] });
  assert.ok(r.ok);
  const s = reduceControl(initialBridgeState(m.instances), m.instances, r.event, decoder).state.instances.get('main')!;
  assert.deepEqual([s.mode, s.x, s.y, s.corners], ['xy', 0.2, 0.8, ['dark', 'bright', 'full', 'airy']]);
});

test('mappings/behringer-x-touch-mini-xy.yaml: encoders 1 and 2 pick up x and y, buttons pick corners', async () => {
  const m = await loadMapping('mappings/behringer-x-touch-mini-xy.yaml', { knownTerms: (t) => VOCABULARY.includes(t) });
  const table = midiControlTable(m.inputs.get('surface')!.profile.controls as ReadonlyMap<string, MidiControl>);
  let state = initialBridgeState(m.instances);
  let midi: MidiDecodeState = EMPTY_MIDI_STATE;
  // Encoder 1 (CC 1, channel 11) from 0 up past the middle, encoder 2 (CC 2) to the top, then the second upper button.
  for (const hex of ['BA 01 00', 'BA 01 50', 'BA 01 60', 'BA 02 3F', 'BA 02 7F', '9A 09 7F', '8A 09 00']) {
    const r = decodeMidiControl(midi, 'surface', table, hex.split(' ').map((h) => parseInt(h, 16)), 0);
    midi = r.state;
    for (const e of r.events) state = reduceControl(state, m.instances, e, decoder).state;
  }
  const s = state.instances.get('main')!;
  assert.equal(s.mode, 'xy');
  assert.equal(s.x, 0x60 / 127);
  assert.equal(s.y, 1);
  assert.equal(s.corners![0], 'dark');
});
