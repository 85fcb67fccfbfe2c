// What docs/osc-and-midi.md says about OSC argument types, on eqmorph's own OSC surface: a numeric control takes any
// number whatever its type tag (many surfaces send ints for floats), a text control a string only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeOscControl, oscAddressTable } from '../../src/pipeline/decode-osc-control.js';
import { loadControllerProfile } from '../../src/profiles/load.js';
import type { OscControl } from '../../src/profiles/types.js';
import { decodeOscPacket, encodeOscMessage, type OscArg } from '../../src/transports/osc-packet.js';

const surface = await loadControllerProfile('firmware-profiles/controllers/eqmorph-osc.yaml');
const table = oscAddressTable(surface.controls as ReadonlyMap<string, OscControl>);

/** Through the wire: encoded with the given type tags, decoded as the input does, then read by the profile. */
function read(address: string, args: OscArg[], types: string) {
  const packet = decodeOscPacket(encodeOscMessage(address, args, types));
  assert.ok(packet.ok);
  return decodeOscControl('surface', table, packet.messages[0]!);
}

test('an int where a float is expected, and a float where an int is expected, are read as their number', () => {
  const alpha = read('/eqmorph/alpha', [1], 'i');
  assert.ok(alpha.ok && alpha.event.value.kind === 'continuous' && alpha.event.value.value === 1);
  const bypass = read('/eqmorph/bypass', [1.0], 'f');
  assert.ok(bypass.ok);
  assert.deepEqual(bypass.event.value, { kind: 'discrete', step: 1, max: 1 });
  const half = read('/eqmorph/strength', [0.5], 'f');
  assert.ok(half.ok && half.event.value.kind === 'continuous' && half.event.value.value === 0.5);
});

test('T and F are read as 1 and 0', () => {
  const on = read('/eqmorph/bypass', [true], 'T');
  assert.ok(on.ok);
  assert.deepEqual(on.event.value, { kind: 'discrete', step: 1, max: 1 });
  const off = read('/eqmorph/bypass', [false], 'F');
  assert.ok(off.ok);
  assert.deepEqual(off.event.value, { kind: 'discrete', step: 0, max: 1 });
});

test('a string for a number, and a number for a word, are bad arguments', () => {
  const r1 = read('/eqmorph/alpha', ['0.5'], 's');
  assert.ok(!r1.ok && r1.reason === 'bad-argument');
  const r2 = read('/eqmorph/termA', [1], 'i');
  assert.ok(!r2.ok && r2.reason === 'bad-argument');
});
