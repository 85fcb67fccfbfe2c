// Specifications of an OSC input whose socket is read on a thread of its own, on real sockets at 127.0.0.1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { after, test } from 'node:test';
import { firstValueFrom } from 'rxjs';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { startThreadReader, type ReaderEvents, type ThreadReader } from '../../src/transports/osc-thread-reader.js';
import { OscUdpTransport, type OscInMessage, type OscUdpOptions } from '../../src/transports/osc-udp.js';
import { eventually, first } from './contract.js';

const LOCAL = '127.0.0.1';

const raw = dgram.createSocket('udp4');
after(() => raw.close());
function sendRaw(bytes: Uint8Array, port: number): Promise<void> {
  return new Promise((resolve, reject) => raw.send(bytes, port, LOCAL, (err) => (err ? reject(err) : resolve())));
}

async function input(options: OscUdpOptions = {}): Promise<{ t: OscUdpTransport; port: number }> {
  const t = new OscUdpTransport({ name: 'osc-in', mode: 'in', bind: { host: LOCAL, port: 0 }, ...options });
  await t.open();
  return { t, port: t.localAddress()!.port };
}

/** Sends one message to `port` and resolves with the first message `t` passes on. */
async function roundTrip(t: OscUdpTransport, port: number, address: string): Promise<OscInMessage> {
  const got = first(t.messages$, (m) => m.address === address);
  await sendRaw(encodeOscMessage(address, [0.25], 'f'), port);
  return got;
}

test('osc-udp reader: an input reads its socket on a thread of its own unless told otherwise; a socket that sends reads on this one', async () => {
  const inputs = [await input(), await input({ reader: 'main' })];
  const both = new OscUdpTransport({ name: 'osc-both', mode: 'both', bind: { host: LOCAL, port: 0 } });
  await both.open();
  try {
    assert.deepEqual([...inputs.map(({ t }) => t.readsOnThread()), both.readsOnThread()], [true, false, false]);
    for (const { t, port } of inputs) assert.equal((await roundTrip(t, port, '/either')).args[0], 0.25);
  } finally {
    for (const { t } of inputs) await t.close();
    await both.close();
  }
});

test('osc-udp reader: `onReaderStart` runs once when the reader thread is online, and never for a socket read on this thread', async () => {
  const starts = { thread: 0, main: 0 };
  const inputs = [await input({ onReaderStart: () => starts.thread++ }), await input({ reader: 'main', onReaderStart: () => starts.main++ })];
  try {
    assert.deepEqual(starts, { thread: 1, main: 0 });
  } finally {
    for (const { t } of inputs) await t.close();
  }
});

test('osc-udp reader: where no thread can be started, the input reads its socket on this thread and messages flow', async () => {
  const { t, port } = await input({ startReader: () => Promise.reject({ kind: 'thread', error: new Error('no threads here') }) });
  try {
    assert.equal(t.readsOnThread(), false);
    assert.equal((await firstValueFrom(t.status$)).state, 'open');
    const m = await roundTrip(t, port, '/fallback');
    assert.deepEqual([m.address, m.args[0], t.counters().in, t.counters().errors], ['/fallback', 0.25, 1, 0]);
  } finally {
    await t.close();
  }
});

test('osc-udp reader: a reader thread that ends is counted as an error and the same port is read on this thread', async () => {
  let events: ReaderEvents | null = null;
  let reader: ThreadReader | null = null;
  const { t, port } = await input({
    startReader: async (options, on) => {
      events = on;
      reader = await startThreadReader(options, on);
      return reader;
    },
  });
  try {
    assert.equal(t.readsOnThread(), true);
    await roundTrip(t, port, '/before');
    // The thread goes away with its socket, as it would if it crashed.
    await reader!.close();
    events!.ended();
    await eventually(() => t.readsOnThread() === false && t.localAddress()?.port === port, 'the port read on this thread');
    assert.equal((await firstValueFrom(t.status$)).state, 'open');
    const m = await roundTrip(t, port, '/after');
    assert.equal(m.args[0], 0.25);
    assert.deepEqual([t.counters().in, t.counters().errors], [2, 1]);
  } finally {
    await t.close();
  }
});

test('osc-udp reader: close frees the port, and the input opens again on a new thread', async () => {
  const { t, port } = await input();
  await t.close();
  assert.equal(t.readsOnThread(), false);
  assert.equal(t.localAddress(), null);
  // Bound again by another socket: the thread's socket is gone.
  const other = dgram.createSocket('udp4');
  await new Promise<void>((r) => other.bind(port, LOCAL, r));
  await new Promise<void>((r) => other.close(() => r()));
  await t.open();
  try {
    assert.equal(t.readsOnThread(), true);
    assert.equal((await roundTrip(t, t.localAddress()!.port, '/again')).address, '/again');
  } finally {
    await t.close();
  }
});

test('osc-udp reader: addresses to hold given before open are held by the thread', async () => {
  const t = new OscUdpTransport({ name: 'osc-in', mode: 'in', bind: { host: LOCAL, port: 0 } });
  t.holdLatest(['/w']);
  await t.open();
  const got: OscInMessage[] = [];
  const sub = t.messages$.subscribe((m) => got.push(m));
  const s = dgram.createSocket('udp4');
  try {
    await new Promise<void>((r) => s.connect(t.localAddress()!.port, LOCAL, r));
    for (let i = 0; i < 40; i++) s.send(encodeOscMessage('/w', [`w${i}`], 's'));
    await eventually(() => got.reduce((n, m) => n + 1 + (m.superseded ?? 0), 0) === 40, 'all 40 words accounted for');
    assert.equal(got.at(-1)!.args[0], 'w39');
    assert.ok(got.length < 40, `${got.length} passed on`);
    assert.equal(t.counters().in, 40);
  } finally {
    sub.unsubscribe();
    s.close();
    await t.close();
  }
});

test('osc-udp reader: while this thread is busy, the reader passes on at most `readerQueue` datagrams; the rest are dropped and counted', async () => {
  const { t, port } = await input({ readerQueue: 50 });
  const got: OscInMessage[] = [];
  const sub = t.messages$.subscribe((m) => got.push(m));
  try {
    // spawnSync holds this thread while another process sends 400 datagrams and then waits a second before it ends:
    // the reader thread reads them all meanwhile, and nothing it posts is taken until this thread runs again.
    const bytes = JSON.stringify([...encodeOscMessage('/busy', [0.5], 'f')]);
    const code = `const s = require('node:dgram').createSocket('udp4'); const b = Buffer.from(${bytes}); s.connect(${port}, '${LOCAL}', () => { for (let i = 0; i < 400; i++) s.send(b); setTimeout(() => s.close(), 1000); });`;
    assert.equal(spawnSync(process.execPath, ['-e', code]).status, 0);
    await eventually(() => t.counters().in + t.counters().dropped === 400, 'all 400 datagrams accounted for', 5000);
    assert.ok(t.counters().in >= 50 && t.counters().in < 400, `${t.counters().in} passed on`);
    assert.equal(got.length, t.counters().in);
    // The queue empties as this thread takes it: a datagram sent now passes.
    assert.equal((await roundTrip(t, port, '/after')).address, '/after');
  } finally {
    sub.unsubscribe();
    await t.close();
  }
});
