// Each ready mapping loads against the model's vocabulary, and documented control messages reach alpha, strength, the terms and bypass.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ControlEvent } from '../../src/codecs/control-value.js';
import type { MorphState } from '../../src/morph/morph-state.js';
import { initialBridgeState, reduceControl } from '../../src/pipeline/bindings.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, type MidiDecodeState } from '../../src/pipeline/decode-midi-control.js';
import { decodeOscControl, oscAddressTable } from '../../src/pipeline/decode-osc-control.js';
import { matchesPort } from '../../src/profiles/endpoints.js';
import { loadMapping } from '../../src/profiles/load.js';
import type { Mapping, MidiControl, OscControl } from '../../src/profiles/types.js';
import { VOCABULARY, vocabularyDecoder } from '../support/vocabulary.js';

const decoder = vocabularyDecoder;

type Message = string | { address: string; args: unknown[] };

interface Scenario {
  readonly file: string;
  /** Port names the device shows (from public code), which the mapping's port pattern must match; none for OSC. */
  readonly ports: readonly string[];
  /** Moves alpha bottom->top, strength top->bottom, picks term A and B, presses bypass, then swap where bound. */
  readonly messages: readonly Message[];
  readonly expected: MorphState;
}

const SCENARIOS: readonly Scenario[] = [
  {
    file: 'korg-nanokontrol2.yaml',
    ports: ['nanoKONTROL2:nanoKONTROL2 MIDI 1 20:0', 'nanoKONTROL2:nanoKONTROL2 _ CTRL 28:0', 'nanoKONTROL2'],
    messages: ['B0 00 00', 'B0 00 7F', 'B0 10 7F', 'B0 10 00', 'B0 22 7F', 'B0 22 00', 'B0 34 7F', 'B0 34 00', 'B0 40 7F', 'B0 40 00', 'B0 2E 7F', 'B0 2E 00'],
    expected: { termA: 'dry', termB: 'clear', alpha: 0, strength: 0, bypass: true },
  },
  {
    file: 'behringer-x-touch-mini.yaml',
    ports: ['X-TOUCH MINI:X-TOUCH MINI MIDI 1 20:0', 'X-TOUCH MINI'],
    messages: ['BA 09 00', 'BA 09 7F', 'BA 01 7F', 'BA 01 00', '9A 0A 7F', '8A 0A 00', '9A 14 7F', '8A 14 00', '9A 00 7F', '8A 00 00', '9A 07 7F', '8A 07 00'],
    expected: { termA: 'dry', termB: 'clear', alpha: 0, strength: 0, bypass: true },
  },
  {
    file: 'akai-midimix.yaml',
    ports: ['MIDI Mix:MIDI Mix MIDI 1 20:0', 'MIDI Mix'],
    messages: ['B0 13 00', 'B0 13 7F', 'B0 10 7F', 'B0 10 00', '90 07 7F', '80 07 00', '90 0F 7F', '80 0F 00', '90 1A 7F', '80 1A 00', '90 19 7F', '80 19 00'],
    expected: { termA: 'dry', termB: 'clear', alpha: 0, strength: 0, bypass: true },
  },
  {
    file: 'novation-launch-control-xl.yaml',
    ports: ['Launch Control XL:Launch Control XL MIDI 1 28:0', 'Launch Control XL'],
    messages: ['B8 4D 00', 'B8 4D 7F', 'B8 0D 7F', 'B8 0D 00', '98 2B 7F', '88 2B 00', '98 59 7F', '88 59 00', 'B8 68 7F', 'B8 68 00', 'B8 69 7F', 'B8 69 00'],
    expected: { termA: 'dry', termB: 'clear', alpha: 0, strength: 0, bypass: true },
  },
  {
    file: 'mackie-control.yaml',
    ports: ['X-Touch:X-Touch MIDI 1 24:0', 'X-Touch', 'MIDIIN2 (X-Touch)'],
    // V-Pot 1 at B0 10 7F: 63 ticks counter-clockwise, the whole range down.
    messages: ['E0 00 00', 'E0 7F 7F', 'B0 10 7F', '90 1A 7F', '90 1A 00', '90 04 7F', '90 04 00', '90 20 7F', '90 20 00', '90 21 7F', '90 21 00'],
    expected: { termA: 'dry', termB: 'clear', alpha: 0, strength: 0, bypass: true },
  },
  {
    file: 'touchosc.yaml',
    ports: [],
    messages: [
      { address: '/1/fader1', args: [0] },
      { address: '/1/fader1', args: [1] },
      { address: '/1/rotary1', args: [1] },
      { address: '/1/rotary1', args: [0] },
      { address: '/1/push3', args: [1] },
      { address: '/1/push3', args: [0] },
      { address: '/1/push8', args: [1] },
      { address: '/1/push8', args: [0] },
      { address: '/1/toggle1', args: [1] },
      { address: '/1/push9', args: [1] },
      { address: '/1/push9', args: [0] },
    ],
    expected: { termA: 'dark', termB: 'clear', alpha: 0, strength: 0, bypass: true, corners: ['dark', 'bright', 'full', 'airy'] },
  },
  {
    file: 'open-stage-control.yaml',
    ports: [],
    messages: [
      { address: '/eqmorph/alpha', args: [0] },
      { address: '/eqmorph/alpha', args: [1] },
      { address: '/eqmorph/strength', args: [1] },
      { address: '/eqmorph/strength', args: [0] },
      { address: '/eqmorph/termA', args: ['clear'] },
      { address: '/eqmorph/termB', args: ['dry'] },
      { address: '/eqmorph/bypass', args: [1] },
    ],
    expected: { termA: 'clear', termB: 'dry', alpha: 1, strength: 0, bypass: true, corners: ['dark', 'bright', 'full', 'airy'] },
  },
];

/** Decodes the messages through the mapping's one input profile, in order. */
function events(mapping: Mapping, messages: readonly Message[]): ControlEvent[] {
  const input = mapping.inputs.get('surface')!;
  const out: ControlEvent[] = [];
  if (input.profile.transport === 'midi') {
    const table = midiControlTable(input.profile.controls as ReadonlyMap<string, MidiControl>);
    let state: MidiDecodeState = EMPTY_MIDI_STATE;
    messages.forEach((m, i) => {
      const r = decodeMidiControl(state, 'surface', table, (m as string).split(' ').map((h) => parseInt(h, 16)), i * 100);
      state = r.state;
      assert.equal(r.events.length, 1, `${m as string} decodes to one control`);
      out.push(...r.events);
    });
  } else {
    const table = oscAddressTable(input.profile.controls as ReadonlyMap<string, OscControl>);
    messages.forEach((m, i) => {
      const msg = m as { address: string; args: unknown[] };
      const r = decodeOscControl('surface', table, { ...msg, time: i * 100 });
      assert.ok(r.ok, `${msg.address}: ${r.ok ? '' : r.detail}`);
      out.push(r.event);
    });
  }
  return out;
}

const knownTerms = (t: string) => VOCABULARY.includes(t);

for (const s of SCENARIOS) {
  test(`mappings/${s.file}: loads with every term in the model's vocabulary and drives the default OSC target`, async () => {
    const m = await loadMapping(`mappings/${s.file}`, { knownTerms });
    const out = m.outputs.get('eq')!;
    assert.match(out.profile.file, /firmware-profiles\/targets\/eqmorph-osc\.yaml$/);
    assert.deepEqual(out.connection, { transport: 'osc', send: { host: '127.0.0.1', port: 9001 } });
    for (const b of m.instances[0]!.bindings) {
      if ((b.target === 'alpha' || b.target === 'strength') && b.glue.control === 'absolute') assert.equal(b.glue.takeover, 'pickup', `${b.source.control} picks up`);
    }
    const conn = m.inputs.get('surface')!.connection;
    if (conn.transport === 'midi') for (const name of s.ports) assert.ok(matchesPort(conn.port, name), `${name} matches the mapping's port`);
  });

  test(`mappings/${s.file}: documented control messages set alpha, strength, both terms and bypass`, async () => {
    const m = await loadMapping(`mappings/${s.file}`, { knownTerms });
    let state = initialBridgeState(m.instances);
    for (const e of events(m, s.messages)) {
      const r = reduceControl(state, m.instances, e, decoder);
      assert.deepEqual(r.rejected, []);
      state = r.state;
    }
    assert.deepEqual(state.instances.get('main'), s.expected);
  });
}

test('the Mackie mapping does not catch the X-Touch Mini, whose port name differs only in case', async () => {
  const m = await loadMapping('mappings/mackie-control.yaml', { knownTerms });
  const conn = m.inputs.get('surface')!.connection;
  assert.equal(conn.transport, 'midi');
  if (conn.transport === 'midi') assert.equal(matchesPort(conn.port, 'X-TOUCH MINI:X-TOUCH MINI MIDI 1 20:0'), false);
});

test('every shipped controller profile cites its sources at its top and has a ready mapping of the same name', () => {
  const dir = 'firmware-profiles/controllers/';
  // eqmorph's own OSC surface is not a device: mappings/default.yaml and open-stage-control.yaml use it.
  const devices = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'eqmorph-osc.yaml');
  assert.ok(devices.length >= 6);
  for (const f of devices) {
    const header = readFileSync(dir + f, 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n');
    assert.match(header, /Sources?\b/, `${f} names its sources`);
    assert.ok(existsSync(`mappings/${f}`), `mappings/${f} exists`);
  }
});

test('every word a shipped mapping names is in the default vocabulary, so none is a hidden word', async () => {
  const terms = JSON.parse(readFileSync('models/default/terms.json', 'utf8')) as Record<string, { hidden?: boolean }>;
  const hidden = Object.keys(terms).filter((t) => terms[t]!.hidden);
  assert.ok(hidden.length > 0, 'the model hides some words');
  for (const f of readdirSync('mappings').filter((x) => x.endsWith('.yaml'))) {
    const named: string[] = [];
    // The loader asks about every term the file names: initial pairs, fixed-word buttons, step lists and presets.
    await loadMapping(`mappings/${f}`, { knownTerms: (t) => (named.push(t), t in terms && !terms[t]!.hidden) });
    assert.ok(named.length > 0, `${f} names its words`);
  }
});
