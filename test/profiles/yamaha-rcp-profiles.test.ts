// The Yamaha remote-control profiles against their desks' own parameter lists (the tables the test doubles are built
// from, cited at the top of each profile): every line eqmorph would send names a listed path, indexes inside the
// listed counts, and an integer inside the listed range; the physical ends land on the list's ends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Band, BandType } from '../../src/eq/bands.js';
import { db, hz, q } from '../../src/eq/units.js';
import { loadTargetProfile } from '../../src/profiles/load.js';
import { targetEncoder } from '../../src/pipeline/encode-target.js';
import { DM3_MIX_PEQ, DM7_INPUT_PEQ, RIVAGE_INPUT_PEQ, type RcpParameterList } from '../support/yamaha-double.js';

const SHELVES: BandType[] = ['lowshelf', 'peaking', 'peaking', 'highshelf'];
/** Profile, the desk's list, its channel (bus) count, band layout, and the per-band type lines eqmorph adds to 4 x 3. */
const DESKS: [string, RcpParameterList, number, BandType[], number][] = [
  ['firmware-profiles/targets/yamaha-dm7-channel.yaml', DM7_INPUT_PEQ, 72, SHELVES, 2],
  ['firmware-profiles/targets/yamaha-rivage-channel.yaml', RIVAGE_INPUT_PEQ, 144, SHELVES, 2],
  ['firmware-profiles/targets/yamaha-dm3-mix.yaml', DM3_MIX_PEQ, 6, ['peaking', 'peaking', 'peaking', 'peaking'], 4],
];

/** Where `<path> <x> <y>` and its value break the list, or null. */
function offList(list: RcpParameterList, address: string, value: number | string): string | null {
  const [path, x, y, ...rest] = address.split(' ');
  const spec = path !== undefined && Object.hasOwn(list, path) ? list[path] : undefined;
  if (!spec || rest.length > 0) return `unlisted ${address}`;
  const xi = Number(x);
  const yi = Number(y);
  if (!Number.isInteger(xi) || xi < 0 || xi >= spec.x || !Number.isInteger(yi) || yi < 0 || yi >= spec.y) return `index ${address}`;
  if (spec.values ? typeof value !== 'string' || !spec.values.includes(value) : typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) return `value ${address} ${value}`;
  return null;
}

for (const [file, list, channels, layout, types] of DESKS) {
  test(`${file}: every line for any band values on channels 1..${channels} is on the desk's parameter list`, async () => {
    const profile = await loadTargetProfile(file);
    assert.equal(profile.transport, 'rcp');
    assert.deepEqual(profile.bands.map((b) => b.type), layout);
    const band = (type: BandType) =>
      fc.record({ gain: fc.double({ min: -40, max: 40, noNaN: true }), freq: fc.double({ min: 1, max: 40000, noNaN: true }), q: fc.double({ min: 0.01, max: 40, noNaN: true }) }).map((b): Band => ({ type, gain: db(b.gain), freq: hz(b.freq), q: q(b.q) }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: channels }), fc.tuple(...layout.map(band)), (channel, bands) => {
        const out = targetEncoder(profile, channel, 'ch')(bands);
        assert.equal(out.length, types + 4 * 3);
        for (const m of out) {
          assert.equal(m.transport, 'osc');
          if (m.transport === 'osc') assert.equal(offList(list, m.address, m.value), null);
        }
      }),
      { numRuns: 300 },
    );
  });

  test(`${file}: 20 Hz..20 kHz, -18..+18 dB and Q 0.1..16 are the list's integer ends; the last channel is x ${channels - 1}`, async () => {
    const profile = await loadTargetProfile(file);
    const encode = targetEncoder(profile, channels, 'ch');
    const at = (gain: number, freq: number, width: number) =>
      new Map(encode(layout.map((type): Band => ({ type, gain: db(gain), freq: hz(freq), q: q(width) }))).flatMap((m) => (m.transport === 'osc' ? [[m.address, m.value] as const] : [])));
    const low = at(-18, 20, 0.1);
    const high = at(18, 20000, 16);
    const x = channels - 1;
    const ranged = Object.entries(list).filter(([p, spec]) => p.includes('/Band/') && !spec.values);
    assert.equal(ranged.length, 3);
    for (const [path, spec] of ranged) {
      assert.equal(low.get(`${path} ${x} 1`), spec.min, path);
      assert.equal(high.get(`${path} ${x} 1`), spec.max, path);
    }
    for (const [path, spec] of Object.entries(list).filter(([, spec]) => spec.values)) assert.equal(low.get(`${path} ${x} 3`), spec.values![0], path);
    for (const path of Object.keys(list).filter((p) => p.includes('Shelving'))) assert.equal(low.get(`${path} ${x} 0`), 1, path);
  });
}
