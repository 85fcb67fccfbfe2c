import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstValueFrom } from 'rxjs';
import type { Mapping } from '../../src/profiles/types.js';
import { createMemoryLink } from '../../src/transports/memory.js';
import { runTransports } from '../../src/web/monitor.js';

// Profiles cut down to the fields the transport list reads; the rest of a mapping does not matter here.
const mapping = {
  inputs: new Map([
    ['pads', { name: 'pads', profile: { name: 'Pads' }, connection: { transport: 'midi', port: { kind: 'exact', name: 'Pads' } } }],
    ['phone', { name: 'phone', profile: { name: 'Phone' }, connection: { transport: 'osc', listen: { host: '127.0.0.1', port: 9000 } } }],
  ]),
  outputs: new Map([['eq', { name: 'eq', profile: { name: 'Desk EQ' }, connection: { transport: 'osc', send: { host: '127.0.0.1', port: 9001 } } }]]),
} as unknown as Mapping;

test('every input and output of the mapping is listed in order; one not opened is unavailable with the reason', async () => {
  const { a: phone } = createMemoryLink({ a: 'phone' });
  const { a: eq } = createMemoryLink({ a: 'eq' });
  await phone.open();
  const list = runTransports(mapping, { oscInputs: new Map([['phone', phone]]), oscOutputs: new Map([['eq', eq]]), midiInputs: new Map(), midiOutputs: new Map() }, 'MIDI unavailable: no ALSA sequencer.');
  assert.deepEqual(
    list.map((t) => [t.role, t.name, t.kind, t.endpoint]),
    [['in', 'pads', 'midi', 'Pads'], ['in', 'phone', 'osc', 'Phone'], ['out', 'eq', 'osc', 'Desk EQ']],
  );
  assert.deepEqual(await firstValueFrom(list[0]!.transport.status$), { state: 'unavailable', detail: 'MIDI unavailable: no ALSA sequencer.' });
  assert.deepEqual(list[0]!.transport.counters(), { in: 0, out: 0, dropped: 0, errors: 0, reconnects: 0 });
  assert.equal((await firstValueFrom(list[1]!.transport.status$)).state, 'open');
  assert.equal((await firstValueFrom(list[2]!.transport.status$)).state, 'closed');
});
