import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../src/cli/run.js';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import type { OscUdpTransport } from '../../src/transports/osc-udp.js';

const controller = resolve('firmware-profiles/controllers/eqmorph-osc.yaml');
const target = resolve('firmware-profiles/targets/eqmorph-osc.yaml');
const mappingText = (reverse: boolean) => `version: 1
kind: mapping
name: reload test
inputs:
  surface: { profile: ${controller}, osc: { listen: 127.0.0.1:19000 } }
outputs:
  eq: { profile: ${target}, osc: { send: 127.0.0.1:9 } }
instances:
  - name: main
    output: eq
    initial: { term_a: warm, term_b: bright }
    bindings:
      - { source: surface.alpha, target: alpha, takeover: jump, reverse: ${reverse} }
`;

async function settle(check: () => boolean) {
  for (let i = 0; i < 1500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

test('editing the mapping swaps the bindings, keeps the morph state, and an invalid edit keeps the running mapping', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-reload-'));
  const file = join(dir, 'm.yaml');
  writeFileSync(file, mappingText(false));
  const log: string[] = [];
  // The free port comes through --osc-in, as a user would override it.
  const run = await startRun({ mapping: file, oscIn: { host: '127.0.0.1', port: 0 }, rehearse: 0 }, (l) => log.push(l));
  const tx = dgram.createSocket('udp4');
  const port = (run.oscInputs.get('surface') as OscUdpTransport).localAddress()!.port;
  const alpha = (v: number) => tx.send(Buffer.from(encodeOscMessage('/eqmorph/alpha', [v], 'f')), port, '127.0.0.1');
  try {
    alpha(0.75);
    await settle(() => run.bridge().state().get('main')!.alpha === 0.75);
    assert.equal(run.bridge().state().get('main')!.alpha, 0.75);

    writeFileSync(file, mappingText(true));
    assert.equal(await run.reload(), true);
    assert.equal(run.bridge().state().get('main')!.alpha, 0.75, 'state survives the reload');
    alpha(0.4);
    await settle(() => Math.abs(run.bridge().state().get('main')!.alpha - 0.6) < 1e-6);
    assert.ok(Math.abs(run.bridge().state().get('main')!.alpha - 0.6) < 1e-6, 'reversed: 0.4 on the control is 0.6');

    writeFileSync(file, mappingText(true).replace('takeover: jump', 'takeover: leap'));
    assert.equal(await run.reload(), false);
    assert.ok(log.some((l) => /not reloaded[\s\S]*takeover[\s\S]*leap/.test(l)), log.join('\n'));
    alpha(0.1);
    await settle(() => Math.abs(run.bridge().state().get('main')!.alpha - 0.9) < 1e-6);
    assert.ok(Math.abs(run.bridge().state().get('main')!.alpha - 0.9) < 1e-6, 'the reversed binding still runs');
  } finally {
    tx.close();
    await run.stop();
    rmSync(dir, { recursive: true });
  }
});

test('a mapping whose target bands cannot be fitted (no frequency parameter) is refused before any socket opens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-layout-'));
  const targetFile = join(dir, 't.yaml');
  writeFileSync(
    targetFile,
    `version: 1
kind: target
name: four peaking bands
transport: osc
bands: [peaking, peaking, peaking, peaking]
parameters:
  gain: { osc: { address: '/b/{band}/g', type: f } }
`,
  );
  const file = join(dir, 'm.yaml');
  writeFileSync(file, mappingText(false).replace(target, targetFile).replace('127.0.0.1:19000', '127.0.0.1:19077'));
  try {
    await assert.rejects(startRun({ mapping: file }, () => {}), /output eq \(t\.yaml\): band 1 has no freq parameter/);
    // Nothing was left listening: the mapping's port binds at once.
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((res, rej) => {
      probe.once('error', rej);
      probe.bind(19077, '127.0.0.1', res);
    });
    probe.close();
  } finally {
    rmSync(dir, { recursive: true });
  }
});
