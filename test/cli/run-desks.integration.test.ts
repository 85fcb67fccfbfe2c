// eqmorph run with the shipped WING, Yamaha DM7, RIVAGE PM and DM3 mappings, against doubles built from the cited documents: what the
// desk holds is eqmorph's encoding of its fitted bands, inside the desk's documented ranges; the DM7's NOTIFY lines
// are read as desk edits, and a lost TCP connection comes back with the whole EQ.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../src/cli/run.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { responseDb } from '../../src/eq/response.js';
import { morphBands } from '../../src/morph/morph-state.js';
import { targetEncoder } from '../../src/pipeline/encode-target.js';
import { createFakeMidiBackend, type FakeMidiBackend } from '../../src/transports/midi-fake.js';
import type { RcpTcpTransport } from '../../src/transports/rcp-tcp.js';
import { until } from '../support/until.js';
import { startWingDouble } from '../support/wing-double.js';
import { DM3_MIX_PEQ, RIVAGE_INPUT_PEQ, startYamahaDouble, type RcpParameterList, type YamahaDouble } from '../support/yamaha-double.js';

const PORT = 'nanoKONTROL2:nanoKONTROL2 MIDI 1 20:0';
type Run = Awaited<ReturnType<typeof startRun>>;

async function withShippedMapping(file: string, from: string, to: string, body: (run: Run, backend: FakeMidiBackend, log: string[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-desk-'));
  const text = readFileSync(resolve(file), 'utf8').replaceAll('../firmware-profiles/', `${resolve('firmware-profiles')}/`).replace(from, to);
  assert.ok(text.includes(to));
  writeFileSync(join(dir, 'm.yaml'), text);
  const backend = createFakeMidiBackend([PORT]);
  const log: string[] = [];
  const run = await startRun({ mapping: join(dir, 'm.yaml'), midiBackend: backend }, (l) => log.push(l));
  try {
    await body(run, backend, log);
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true });
  }
}

/**
 * Resolves once the bridge has sent nothing for half a second. The channels' start snapshots wait for the fit worker,
 * and behind a channel being moved, so some may still be coming when channel 1's move has reached the desk (with no
 * table in the cache, about a second after the start).
 */
async function sendsSettled(run: Run): Promise<void> {
  let last = -1;
  let since = Date.now();
  await until('the start snapshots sent', () => {
    const sent = run.bridge().counters().sent;
    if (sent !== last) [last, since] = [sent, Date.now()];
    return Date.now() - since >= 500;
  }, 60_000);
}

/** The first instance's expected messages (address and wire value) for its current state. */
function expected(run: Run, output: string) {
  const instance = run.mapping().instances[0]!;
  const profile = run.mapping().outputs.get(output)!.profile;
  return targetEncoder(profile, instance.index, instance.name)(morphBands(run.bridge().state().get(instance.name)!, run.layoutDecoders().get(output)!));
}

/** The largest difference over the response grid between the fitted bands eqmorph sends and its own five. */
function fitError(run: Run, output: string): number {
  const s = run.bridge().state().get(run.mapping().instances[0]!.name)!;
  const fitted = responseDb(run.layoutDecoders().get(output)!.decode(s.termA, s.termB, s.alpha), DEFAULT_GRID);
  const own = responseDb(run.decoder.decode(s.termA, s.termB, s.alpha), DEFAULT_GRID);
  return fitted.reduce((m, v, i) => Math.max(m, Math.abs(v - own[i]!)), 0);
}

test('mappings/nanokontrol2-wing.yaml: channel 1 of the WING holds eqmorph\'s six fitted bands, in physical units inside the documented ranges', async (t) => {
  const wing = await startWingDouble();
  try {
    await withShippedMapping('mappings/nanokontrol2-wing.yaml', '127.0.0.1:2223', `127.0.0.1:${wing.port}`, async (run, backend, log) => {
      assert.ok(log.some((l) => /instance ch1 -> wing: .*fitted to the target's 6/.test(l)), log.join('\n'));
      await until('the fitted table', () => run.layoutDecoders().get('wing')!.ready('warm', 'bright'), 60000);
      backend.emit(PORT, [0xb0, 0, 0]);
      backend.emit(PORT, [0xb0, 0, 90]);
      await until('the move reaches the desk', () => expected(run, 'wing').every((m) => m.transport === 'osc' && wing.value(m.address) === m.value), 15000);
      assert.equal(wing.value('/ch/1/eq/on'), 1);
      assert.equal(wing.value('/ch/1/eq/leq'), 'SHV');
      assert.equal(wing.value('/ch/1/eq/heq'), 'SHV');
      assert.deepEqual(wing.refused, []);
      const err = fitError(run, 'wing');
      t.diagnostic(`WING 6-band fit: max ${err.toFixed(3)} dB from eqmorph's five bands (warm -> bright, fader 90)`);
      assert.ok(err < 0.5, `${err} dB`);
    });
  } finally {
    await wing.close();
  }
});

test('mappings/nanokontrol2-yamaha-dm7.yaml: the DM7 double holds eqmorph\'s fitted bands as integers in range; a NOTIFY is a desk edit; a lost connection comes back with the whole EQ', async (t) => {
  const desk = await startYamahaDouble();
  try {
    await withShippedMapping('mappings/nanokontrol2-yamaha-dm7.yaml', '127.0.0.1:49280', `127.0.0.1:${desk.port}`, async (run, backend, log) => {
      assert.ok(log.some((l) => /instance ch1 -> dm7: .*fitted to the target's 4/.test(l)), log.join('\n'));
      await until('the fitted table', () => run.layoutDecoders().get('dm7')!.ready('warm', 'bright'), 60000);
      backend.emit(PORT, [0xb0, 0, 0]);
      backend.emit(PORT, [0xb0, 0, 100]);
      const holds = () => expected(run, 'dm7').every((m) => m.transport === 'osc' && desk.value(m.address) === m.value);
      await until('the move reaches the desk', holds, 15000);
      await until('channel 8\'s start snapshot', () => desk.value('MIXER:Current/InCh/PEQ/HighShelving/On 7 0') === 1, 30_000);
      assert.equal(desk.value('MIXER:Current/InCh/PEQ/On 0 0'), 1);
      assert.equal(desk.value('MIXER:Current/InCh/PEQ/LowShelving/On 0 0'), 1);
      assert.equal(desk.value('MIXER:Current/InCh/PEQ/HighShelving/On 7 0'), 1);
      assert.deepEqual(desk.refused, []);
      const dm7 = run.oscOutputs.get('dm7') as RcpTcpTransport;
      await until('every set accepted', () => dm7.counters().accepted === desk.lines.filter((l) => l.startsWith('set ')).length);
      t.diagnostic(`DM7 4-band fit: max ${fitError(run, 'dm7').toFixed(3)} dB from eqmorph's five bands (warm -> bright, fader 100)`);

      // An engineer turns channel 1's band 2 gain on the desk: counted as a desk edit, nothing sent back.
      await until('the start queries answered', () => run.bridge().deskCounters().get('dm7')!.answers >= 8 * 14, 10000);
      await sendsSettled(run);
      const sent = run.bridge().counters().sent;
      desk.edit('MIXER:Current/InCh/PEQ/Band/Gain 0 1', 1200);
      await until('the edit is counted', () => run.bridge().deskCounters().get('dm7')!.edits === 1, 15_000);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(run.bridge().counters().sent, sent, 'a desk report made eqmorph send');
      assert.equal(dm7.counters().dropped, 0);
      assert.equal(run.health().transports.find((x) => x.name === 'dm7')!.counters.deskEdits, 1);

      // The cable is pulled and put back: the transport reconnects and the desk gets the whole EQ again.
      const lines = desk.lines.length;
      desk.dropClients();
      await until('reconnected', () => dm7.counters().reconnects === 1 && desk.clients() === 1, 15000);
      await until('the whole EQ again', () => desk.lines.slice(lines).some((l) => l.startsWith('set MIXER:Current/InCh/PEQ/On 7 0')), 15000);
    });
  } finally {
    await desk.close();
  }
});

/**
 * A shipped Yamaha mapping against a double built from the desk's parameter list: a fader move reaches the desk as
 * eqmorph's encoding of its fitted bands, nothing is refused, and an edit made on the desk is counted and not answered.
 */
function yamahaDeskTest(title: string, file: string, list: RcpParameterList, output: string, queries: number, edit: [string, number], holds: (desk: YamahaDouble) => void): void {
  test(title, async (t) => {
    const desk = await startYamahaDouble(list);
    try {
      await withShippedMapping(file, '127.0.0.1:49280', `127.0.0.1:${desk.port}`, async (run, backend, log) => {
        const first = run.mapping().instances[0]!.name;
        assert.ok(log.some((l) => l.includes(`instance ${first} -> ${output}: `) && l.includes("fitted to the target's 4")), log.join('\n'));
        await until('the fitted table', () => run.layoutDecoders().get(output)!.ready('warm', 'bright'), 60000);
        backend.emit(PORT, [0xb0, 0, 0]);
        backend.emit(PORT, [0xb0, 0, 100]);
        await until('the move reaches the desk', () => expected(run, output).every((m) => m.transport === 'osc' && desk.value(m.address) === m.value), 15000);
        const held = () => {
          try {
            holds(desk);
            return true;
          } catch {
            return false;
          }
        };
        await until('every channel\'s start snapshot', held, 30_000);
        holds(desk);
        assert.deepEqual(desk.refused, []);
        t.diagnostic(`${output} 4-band fit: max ${fitError(run, output).toFixed(3)} dB from eqmorph's five bands (warm -> bright, fader 100)`);

        await until('the start queries answered', () => run.bridge().deskCounters().get(output)!.answers >= queries, 10000);
        await sendsSettled(run);
        const sent = run.bridge().counters().sent;
        desk.edit(...edit);
        await until('the edit is counted', () => run.bridge().deskCounters().get(output)!.edits === 1, 15_000);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(run.bridge().counters().sent, sent, 'a desk report made eqmorph send');
      });
    } finally {
      await desk.close();
    }
  });
}

yamahaDeskTest(
  "mappings/nanokontrol2-yamaha-rivage.yaml: a double built from the RIVAGE PM's parameter list holds eqmorph's fitted bands; a NOTIFY is a desk edit",
  'mappings/nanokontrol2-yamaha-rivage.yaml',
  RIVAGE_INPUT_PEQ,
  'rivage',
  8 * 14,
  ['MIXER:Current/InCh/PEQ/Band/Freq 0 2', 25000],
  (desk) => {
    assert.equal(desk.value('MIXER:Current/InCh/PEQ/On 0 0'), 1);
    assert.equal(desk.value('MIXER:Current/InCh/PEQ/LowShelving/On 0 0'), 1);
    assert.equal(desk.value('MIXER:Current/InCh/PEQ/HighShelving/On 7 0'), 1);
  },
);

yamahaDeskTest(
  "mappings/nanokontrol2-yamaha-dm3.yaml: a double built from the DM3's parameter list holds eqmorph's bands fitted to 4 bells on mix 1; a NOTIFY is a desk edit",
  'mappings/nanokontrol2-yamaha-dm3.yaml',
  DM3_MIX_PEQ,
  'dm3',
  6 * 16,
  ['MIXER:Current/Mix/PEQ/Band/Gain 0 0', -600],
  (desk) => {
    assert.equal(desk.value('MIXER:Current/Mix/PEQ/On 5 0'), 1);
    assert.equal(desk.value('MIXER:Current/Mix/PEQ/Band/Type 0 3'), 'Bell');
  },
);
