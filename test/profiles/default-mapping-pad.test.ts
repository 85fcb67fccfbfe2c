// The default mapping's XY pad and sound-map addresses reach the pad, its corners and the map, next to the fader's.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { MorphDecoder } from '../../src/morph/morph-state.js';
import { initialBridgeState, reduceControl } from '../../src/pipeline/bindings.js';
import { decodeOscControl, oscAddressTable } from '../../src/pipeline/decode-osc-control.js';
import { loadMapping } from '../../src/profiles/load.js';
import type { OscControl } from '../../src/profiles/types.js';

const VOCABULARY = Object.keys(JSON.parse(readFileSync('models/default/terms.json', 'utf8')) as Record<string, unknown>);
const decoder: MorphDecoder = {
  terms: VOCABULARY,
  hasTerm: (t) => VOCABULARY.includes(t),
  decode: () => {
    throw new Error('reduceControl does not decode');
  },
};

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
