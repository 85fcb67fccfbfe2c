import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { eqmorph } from '../support/cli.js';
import { freeUdpPort, oscReceiver } from '../support/caught-run.js';
import { until } from '../support/until.js';
import { surfaceMappingYaml } from '../support/surface-mapping.js';

// `eqmorph run` as a process (the CLI from source): signals and on_exit; its start-up errors, which need no process of
// their own, through the command dispatcher in this process (test/support/cli.ts).

// Absolute, so that the process can run in an empty directory of its own.
const CLI = ['--import', import.meta.resolve('tsx'), resolve('src/cli/entry.ts')];


async function runAndSignal(onExit: 'hold' | 'flat', signal: NodeJS.Signals | NodeJS.Signals[], extraArgs: string[] = [], ready = /running/, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-shutdown-'));
  const { socket: rx, received } = await oscReceiver();
  const inPort = await freeUdpPort();
  const file = join(dir, 'm.yaml');
  writeFileSync(
    file,
    surfaceMappingYaml({
      name: 'shutdown',
      surface: `listen: 127.0.0.1:${inPort}`,
      output: { name: 'eq', target: 'eqmorph-osc', send: `127.0.0.1:${rx.address().port}` },
      instances: ['{ name: main, output: eq, initial: { term_a: warm, term_b: bright, alpha: 1 }, bindings: [{ source: surface.alpha, target: alpha, takeover: jump }] }'],
      after: `on_exit: ${onExit}`,
    }),
  );
  // An empty working and home directory: afterwards they must still be empty (run writes nothing), as must the mapping's.
  const cwd = mkdtempSync(join(tmpdir(), 'eqmorph-shutdown-cwd-'));
  const child = spawn(process.execPath, [...CLI, 'run', '--no-web', '--mapping', file, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'], cwd, env: { ...process.env, ...env, HOME: cwd } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) => child.on('exit', (code, sig) => r({ code, signal: sig, at: performance.now() })));
  try {
    await until(`start: ${stdout}${stderr}`, () => ready.test(stdout) && received.length >= 15, 60000);
    const before = received.length;
    const sentAt = performance.now();
    // Several signals: the later ones come while the first one's shutdown is under way.
    for (const [i, sig] of [signal].flat().entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 5));
      child.kill(sig);
    }
    // How soon it exits is the load's as much as the bridge's (the time is printed, not asserted): the bound only tells
    // a hang from a slow exit on a busy machine, as the start's does.
    let hang: NodeJS.Timeout | undefined;
    const result = await Promise.race([exited, new Promise<null>((r) => (hang = setTimeout(() => r(null), 60_000)))]);
    clearTimeout(hang);
    if (result === null) child.kill('SIGKILL');
    assert.ok(result !== null, 'exited within a minute of the signal');
    await new Promise((r) => setTimeout(r, 100)); // datagrams sent just before exit are still being read
    return { ...result, ms: result.at - sentAt, stdout, stderr, after: received.slice(before), written: [...readdirSync(cwd), ...readdirSync(dir).filter((f) => f !== 'm.yaml')] };
  } finally {
    // A start that never came (a failed wait above) leaves the bridge running: it must not outlive the test.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rx.close();
    rmSync(dir, { recursive: true });
    rmSync(cwd, { recursive: true });
  }
}

test('SIGTERM with on_exit: flat sends every gain 0 dB to the output, closes and exits 0', async () => {
  const r = await runAndSignal('flat', 'SIGTERM');
  process.stdout.write(`# shutdown after SIGTERM (flat): ${r.ms.toFixed(0)} ms\n`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /eqmorph: stopped/);
  assert.deepEqual(r.written, [], 'no file written in the working, home or mapping directory');
  for (let n = 1; n <= 5; n++) assert.equal(r.after.filter((m) => m.address === `/eqmorph/band/${n}/gain`).at(-1)?.args[0], 0, `band ${n}`);
});

test('SIGINT with on_exit: hold sends nothing more, closes and exits 0; --stats printed every transport and the bridge', async () => {
  // --stats prints every 5 s; here every half second, so that the first print comes soon after the start snapshot.
  const r = await runAndSignal('hold', 'SIGINT', ['--stats'], /stats: bridge/, { EQMORPH_STATS_MS: '500' });
  assert.match(r.stdout, /stats: in {2}surface open: in 0, out 0, dropped 0, errors 0, reconnects 0/);
  assert.match(r.stdout, /stats: out eq open: in 0, out 15, dropped 0, errors 0, reconnects 0/);
  assert.match(r.stdout, /stats: bridge: events 0, sent 15, .*clamped 0.*errors 0, resyncs 0/);
  process.stdout.write(`# shutdown after SIGINT (hold): ${r.ms.toFixed(0)} ms\n`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /eqmorph: stopped/);
  assert.deepEqual(r.after, []);
});

test('SIGHUP stops like SIGTERM: on_exit flat is sent and the exit code is 0', async () => {
  const r = await runAndSignal('flat', 'SIGHUP');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /eqmorph: stopped/);
  for (let n = 1; n <= 5; n++) assert.equal(r.after.filter((m) => m.address === `/eqmorph/band/${n}/gain`).at(-1)?.args[0], 0, `band ${n}`);
});

test('signals repeated during the shutdown are harmless: on_exit flat is still sent, and the exit code is 0', async () => {
  const r = await runAndSignal('flat', ['SIGINT', 'SIGINT', 'SIGTERM', 'SIGHUP']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.signal, null);
  assert.match(r.stdout, /eqmorph: stopped/);
  for (let n = 1; n <= 5; n++) assert.equal(r.after.filter((m) => m.address === `/eqmorph/band/${n}/gain`).at(-1)?.args[0], 0, `band ${n}`);
});

test('a signal while the start-up rehearsal plays ends the rehearsal there: the stop does not wait for the rest of it', async () => {
  // A million moves take minutes: with the stop waiting for them the process would outlive the minute allowed.
  const r = await runAndSignal('flat', 'SIGTERM', ['--rehearse', '1000000']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /eqmorph: stopped/);
  assert.doesNotMatch(r.stdout, /rehearsed/, 'a rehearsal cut short is not reported as played');
  for (let n = 1; n <= 5; n++) assert.equal(r.after.filter((m) => m.address === `/eqmorph/band/${n}/gain`).at(-1)?.args[0], 0, `band ${n}`);
});

test('an OSC input port already in use is one line and exit code 1; --debug adds the stack trace', async () => {
  const busy = dgram.createSocket('udp4');
  await new Promise<void>((r) => busy.bind(0, '127.0.0.1', r));
  try {
    const port = busy.address().port;
    const r = await eqmorph('run', '--no-web', '--rehearse', '0', '--osc-in', `127.0.0.1:${port}`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    const d = await eqmorph('run', '--debug', '--no-web', '--rehearse', '0', '--osc-in', `127.0.0.1:${port}`);
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stderr, /\n\s+at /);
  } finally {
    busy.close();
  }
});

test('an --osc-out host name that does not resolve is one line and exit code 2, before anything opens', async () => {
  const r = await eqmorph('run', '--no-web', '--osc-out', 'no-such-host.invalid:9001');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--osc-out: the host name "no-such-host\.invalid" could not be resolved/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('a missing model directory fails at start with one line naming it, and exit code 2', async () => {
  const r = await eqmorph('run', '--no-web', '--model', join(tmpdir(), 'eqmorph-no-such-model'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /eqmorph-no-such-model.*no model directory/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('a corrupt model directory fails at start with one line naming it, and exit code 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-corrupt-model-'));
  try {
    writeFileSync(join(dir, 'meta.json'), 'garbage\nmore garbage\n'); // a parser quotes this text, newlines and all
    const r = await eqmorph('run', '--no-web', '--model', dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /corrupt or incomplete model directory/);
    assert.ok(r.stderr.includes(dir));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a model whose weights hold NaN is refused at load with one line naming the file, and exit code 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-nan-model-'));
  try {
    cpSync(resolve('models/default'), dir, { recursive: true });
    const weights = readFileSync(join(dir, 'decoder.weights.bin'));
    for (let i = 0; i < weights.length; i += 4096) weights.writeFloatLE(Number.NaN, i);
    writeFileSync(join(dir, 'decoder.weights.bin'), weights);
    for (const args of [['run', '--no-web'], ['decode', 'warm', 'bright', '--alpha', '0.5']]) {
      const r = await eqmorph(...args, '--model', dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /decoder\.weights\.bin: weight .* is NaN; the model is damaged/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});
