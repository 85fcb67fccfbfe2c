import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import dgram from 'node:dgram';
import { healthLines } from '../../src/pipeline/health.js';
import { loadMapping } from '../../src/profiles/load.js';
import { ProfileErrors } from '../../src/profiles/errors.js';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { DEFAULT_MAPPING, startRun } from '../../src/cli/run.js';
import { freeUdpPort, oscReceiver } from '../support/caught-run.js';
import { until } from '../support/until.js';
import { surfaceMappingYaml } from '../support/surface-mapping.js';

// Outputs that fail and are survived, through startRun over real UDP on 127.0.0.1.


test('an OSC output with nothing listening is reported as error, and once a listener appears: open, and a full snapshot', async () => {
  const port = await freeUdpPort();
  const log: string[] = [];
  const run = await startRun({ mapping: DEFAULT_MAPPING, oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port }, rehearse: 0 }, (l) => log.push(l));
  try {
    await until('the refusal on stdout', () => log.some((l) => new RegExp(`out eq: error — .*Nothing is listening at 127\\.0\\.0\\.1:${port}`).test(l)), 15_000);
    assert.ok(run.health().transports.find((t) => t.name === 'eq')!.counters.errors > 0);
    // Nothing listens for a while: the output stays in error (probing), it does not flap back to open and resend.
    await new Promise((r) => setTimeout(r, 3500));
    assert.ok(!log.some((l) => /out eq: open$/.test(l)), log.join('\n'));
    assert.equal(run.bridge().counters().resyncs, 0);
    const rx = await oscReceiver(port);
    try {
      await until('open again on stdout', () => log.some((l) => /out eq: open$/.test(l)), 10_000);
      await until('a full snapshot at the new listener', () => new Set(rx.received.map((m) => m.address)).size >= 15, 15_000);
      assert.equal(run.bridge().counters().resyncs, 1);
    } finally {
      rx.socket.close();
    }
  } finally {
    await run.stop();
  }
});

test('an output in a mapping whose host name does not resolve is reported and retried; the bridge runs on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-survive-'));
  const inPort = await freeUdpPort();
  const file = join(dir, 'm.yaml');
  writeFileSync(
    file,
    surfaceMappingYaml({
      name: 'unresolved',
      surface: `listen: 127.0.0.1:${inPort}`,
      output: { name: 'eq', target: 'eqmorph-osc', send: 'no-such-host.invalid:9001' },
      instances: ['{ name: main, output: eq, initial: { term_a: warm, term_b: bright }, bindings: [{ source: surface.alpha, target: alpha, takeover: jump }] }'],
    }),
  );
  const log: string[] = [];
  const run = await startRun({ mapping: file, rehearse: 0 }, (l) => log.push(l));
  try {
    const eq = () => run.health().transports.find((t) => t.name === 'eq')!;
    assert.equal(eq().status.state, 'error');
    assert.match(eq().status.detail ?? '', /"no-such-host\.invalid" could not be resolved.*Retrying/);
    // One lookup per retry, not one per datagram: the start snapshot's 15 messages were dropped, not looked up.
    assert.equal(eq().counters.errors, 1);
    assert.equal(eq().counters.dropped, 15);
    run.bridge().inject({ input: 'surface', control: 'alpha', value: { kind: 'continuous', value: 0.5 }, raw: [], time: 0 });
    await until('the move handled', () => run.bridge().state().get('main')!.alpha === 0.5);
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true });
  }
});

test('an OSC input with allow: drops and counts what other senders send, with one warning naming the source', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-allow-'));
  const file = join(dir, 'm.yaml');
  const inPort = await freeUdpPort();
  const rx = await oscReceiver();
  const mapping = (allow: string) =>
    surfaceMappingYaml({
      name: 'allow',
      surface: `listen: 127.0.0.1:${inPort}, allow: ${allow}`,
      output: { name: 'eq', target: 'eqmorph-osc', send: `127.0.0.1:${rx.port}` },
      instances: ['{ name: main, output: eq, initial: { term_a: warm, term_b: bright }, bindings: [{ source: surface.alpha, target: alpha, takeover: jump }] }'],
    });
  writeFileSync(file, mapping('[10.9.9.9, 192.168.0.0/16]'));
  const log: string[] = [];
  const run = await startRun({ mapping: file, rehearse: 0 }, (l) => log.push(l));
  const tx = dgram.createSocket('udp4');
  const send = (v: number) => new Promise<void>((r) => tx.send(encodeOscMessage('/eqmorph/alpha', [v], 'f'), inPort, '127.0.0.1', () => r()));
  try {
    for (let i = 0; i < 50; i++) await send(0.5);
    await until('all 50 dropped', () => run.bridge().counters().notAllowed === 50, 15_000);
    assert.equal(run.bridge().state().get('main')!.alpha, 0);
    const warnings = log.filter((l) => /not name/.test(l));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /surface: dropped a message from 127\.0\.0\.1:\d+, which its allow list does not name/);
    assert.match(healthLines(run.health()).join('\n'), /not allowed 50/);
    // A burst of words from that sender, held by the input until the newest: each one still counts as not allowed.
    for (let i = 0; i < 20; i++) tx.send(encodeOscMessage('/eqmorph/termB', [`w${i}`], 's'), inPort, '127.0.0.1');
    await until('all 20 words dropped', () => run.bridge().counters().notAllowed === 70, 15_000);
    assert.equal(run.bridge().counters().superseded, 0);
    // The same input allowing loopback takes the move.
    writeFileSync(file, mapping('[127.0.0.0/8]'));
    assert.equal(await run.reload(), true);
    await send(0.5);
    await until('the move taken', () => run.bridge().state().get('main')!.alpha === 0.5, 15_000);
  } finally {
    tx.close();
    rx.socket.close();
    await run.stop();
    rmSync(dir, { recursive: true });
  }
});

test('an allow: entry that is not an address or range is a located profile error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-allow-'));
  const file = join(dir, 'm.yaml');
  writeFileSync(
    file,
    surfaceMappingYaml({
      name: 'allow',
      surface: 'listen: 127.0.0.1:9000, allow: [mixer.local]',
      output: { name: 'eq', target: 'eqmorph-osc', send: '127.0.0.1:9001' },
      instances: ['{ name: main, output: eq, initial: { term_a: warm, term_b: bright }, bindings: [] }'],
    }),
  );
  try {
    await assert.rejects(loadMapping(file), (err: Error) => err instanceof ProfileErrors && /m\.yaml:5:\d+: inputs\.surface\.osc\.allow\[0\]: "mixer\.local" is not an IP address or a CIDR range/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true });
  }
});
