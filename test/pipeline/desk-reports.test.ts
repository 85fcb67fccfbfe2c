// A desk's report is read back through the target's own tables: the inverse of eqmorph's encoding, step for step.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { scaleToWire } from '../../src/pipeline/encode-target.js';
import { deskBands, describeReport, reportTable, sameSetting, wireToPhysical } from '../../src/pipeline/desk-reports.js';
import { loadTargetProfile } from '../../src/profiles/load.js';
import type { TargetScaling } from '../../src/profiles/types.js';

const x32 = await loadTargetProfile(resolve('firmware-profiles/targets/behringer-x32-channel.yaml'));
const scalings: TargetScaling[] = [
  { kind: 'log', min: 20, max: 20000, steps: 201 },
  { kind: 'linear', min: -15, max: 15, steps: 121 },
  { kind: 'log', min: 0.3, max: 10, steps: 72, invert: true },
  { kind: 'table', values: [0.5, 1, 2, 4, 8] },
];

test('for every stepped scaling, reading a wire value back and encoding it again gives the same wire value', () => {
  fc.assert(
    fc.property(fc.constantFrom(...scalings), fc.double({ min: 0, max: 1, noNaN: true }), (s, u) => {
      const wire = scaleToWire(s, wireToPhysical(s, u));
      const again = scaleToWire(s, wireToPhysical(s, wire));
      assert.ok(Math.abs(again - wire) < 1e-9);
    }),
  );
});

test('the X32 tables read as the protocol document says: f 0.5 is 632.5 Hz, g 0.5 is 0 dB, q 0 is Q 10', () => {
  const table = reportTable(x32, [{ name: 'ch1', index: 1 }]);
  const at = (a: string) => table.get(a)!;
  assert.ok(Math.abs(wireToPhysical(at('/ch/01/eq/2/f').scaling!, 0.5) - 632.5) < 0.1);
  assert.equal(wireToPhysical(at('/ch/01/eq/2/g').scaling!, 0.5), 0);
  assert.equal(wireToPhysical(at('/ch/01/eq/2/q').scaling!, 0), 10);
  assert.equal(describeReport(at('/ch/01/eq/2/g'), 0.6), 'ch1 band 2 gain +3.00 dB');
  assert.equal(describeReport(at('/ch/01/eq/1/type'), 1), 'ch1 band 1 type lowshelf');
});

test('the table has every band parameter of every instance under the encoder\'s keys, and nothing else', () => {
  const table = reportTable(x32, [{ name: 'ch1', index: 1 }, { name: 'ch12', index: 12 }]);
  assert.equal(table.size, 2 * 4 * 4);
  assert.equal(table.get('/ch/12/eq/4/q')!.key, 'ch12/b4/q');
  assert.equal(table.get('/ch/01/eq/on'), undefined);
});

test('two wire values within half a step of the desk\'s grid are the same setting, a step apart they are not', () => {
  const g = reportTable(x32, [{ name: 'ch1', index: 1 }]).get('/ch/01/eq/1/g')!;
  assert.ok(sameSetting(g, 0.5, 0.5 + 0.4 / 120));
  assert.ok(!sameSetting(g, 0.5, 0.5 + 1 / 120));
});

test('a target without reports has nothing to read', async () => {
  const generic = await loadTargetProfile(resolve('firmware-profiles/targets/generic-osc-eq.yaml'));
  assert.equal(reportTable(generic, [{ name: 'a', index: 1 }]).size, 0);
});

test('the desk\'s bands are read once every gain, frequency and Q is known, in the target\'s own units', async () => {
  const dm7 = await loadTargetProfile(resolve('firmware-profiles/targets/yamaha-dm7-channel.yaml'));
  const values = new Map<string, number>();
  for (let b = 1; b <= 4; b++) {
    values.set(`ch1/b${b}/gain`, -300 * b);
    values.set(`ch1/b${b}/freq`, 1000 * b);
  }
  assert.equal(deskBands(dm7, 'ch1', values), null, 'no Q known yet');
  for (let b = 1; b <= 4; b++) values.set(`ch1/b${b}/q`, 1400);
  assert.deepEqual(deskBands(dm7, 'ch1', values), [
    { type: 'lowshelf', gain: -3, freq: 100, q: 1.4 },
    { type: 'peaking', gain: -6, freq: 200, q: 1.4 },
    { type: 'peaking', gain: -9, freq: 300, q: 1.4 },
    { type: 'highshelf', gain: -12, freq: 400, q: 1.4 },
  ]);
});
