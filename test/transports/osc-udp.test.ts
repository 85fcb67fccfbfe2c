// Specifications of OSC over UDP on real sockets at 127.0.0.1: the shared contract, delivery, bundles, and hostile datagrams.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { firstValueFrom } from 'rxjs';
import { TransportError } from '../../src/transports/errors.js';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { literalFirstLookup, OscUdpTransport, type OscInMessage, type OscOutMessage } from '../../src/transports/osc-udp.js';
import { collect, eventually, first, transportContract } from './contract.js';
import { bundle, rawMessage } from './osc-bytes.js';

const LOCAL = '127.0.0.1';

transportContract<OscInMessage, OscOutMessage>('osc-udp', async () => {
  const t = new OscUdpTransport({ name: 'osc-loop', mode: 'both', bind: { host: LOCAL, port: 0 } });
  return {
    transport: t,
    // The socket sends to itself: whatever is sent comes back on the same socket.
    sample: (n) => ({ address: `/contract/${n}`, args: [n, 0.25, `s${n}`], types: 'ifs', to: { host: LOCAL, port: t.localAddress()?.port ?? 9 } }),
    isEcho: (m, n) => m.address === `/contract/${n}` && m.types === 'ifs' && m.args[0] === n && m.args[1] === 0.25 && m.args[2] === `s${n}`,
    dispose: () => t.close(),
  };
});

/** A plain dgram socket for sending raw bytes, closed after the file's tests. */
const raw = dgram.createSocket('udp4');
after(() => raw.close());
function sendRaw(bytes: Uint8Array, port: number): Promise<void> {
  return new Promise((resolve, reject) => raw.send(bytes, port, LOCAL, (err) => (err ? reject(err) : resolve())));
}

async function receiver(options: { maxPacketBytes?: number; bind?: { host: string; port: number } } = {}): Promise<{ t: OscUdpTransport; port: number }> {
  const t = new OscUdpTransport({ name: 'osc-in', mode: 'in', bind: { host: LOCAL, port: 0 }, ...options });
  await t.open();
  return { t, port: t.localAddress()!.port };
}

test('osc-udp: a message from one socket arrives at another with address, types and arguments intact', async () => {
  const { t: rx, port } = await receiver();
  const tx = new OscUdpTransport({ name: 'osc-out', mode: 'out', bind: { host: LOCAL }, remote: { host: LOCAL, port } });
  await tx.open();
  try {
    const got = first(rx.messages$, () => true);
    await tx.sendAsync({ address: '/eq/1/gain', args: [3, 1, 'warm', true, false, new Uint8Array([1, 2, 3])], types: 'ifsTFb' });
    const m = await got;
    assert.equal(m.address, '/eq/1/gain');
    assert.equal(m.types, 'ifsTFb');
    assert.deepEqual(m.args, [3, 1, 'warm', true, false, new Uint8Array([1, 2, 3])]);
    assert.deepEqual(m.from, { address: LOCAL, port: tx.localAddress()!.port });
    assert.equal(typeof m.time, 'number');
    assert.equal(rx.counters().in, 1);
    assert.equal(tx.counters().out, 1);
  } finally {
    await tx.close();
    await rx.close();
  }
});

test('osc-udp: a per-message destination overrides the default remote', async () => {
  const a = await receiver();
  const b = await receiver();
  const tx = new OscUdpTransport({ mode: 'out', bind: { host: LOCAL }, remote: { host: LOCAL, port: a.port } });
  await tx.open();
  try {
    const atB = first(b.t.messages$, () => true);
    await tx.sendAsync({ address: '/to/b', to: { host: LOCAL, port: b.port } });
    assert.equal((await atB).address, '/to/b');
    assert.equal(a.t.counters().in, 0);
  } finally {
    await Promise.all([tx.close(), a.t.close(), b.t.close()]);
  }
});

test('osc-udp: a device replying to the sender port reaches a both-mode socket', async () => {
  const device = await receiver();
  const both = new OscUdpTransport({ mode: 'both', bind: { host: LOCAL }, remote: { host: LOCAL, port: device.port } });
  await both.open();
  try {
    const deviceGot = first(device.t.messages$, () => true);
    both.send({ address: '/xinfo' });
    const req = await deviceGot;
    const reply = first(both.messages$, () => true);
    await sendRaw(encodeOscMessage('/xinfo', ['eq-device']), req.from.port);
    assert.deepEqual((await reply).args, ['eq-device']);
  } finally {
    await both.close();
    await device.t.close();
  }
});

test('osc-udp: a bundle arrives as its messages, flattened in order', async () => {
  const { t, port } = await receiver();
  try {
    const got = collect(t.messages$, 3);
    await sendRaw(bundle(encodeOscMessage('/a', [1]), bundle(encodeOscMessage('/b', [2.5])), encodeOscMessage('/c', ['x'])), port);
    assert.deepEqual((await got).map((m) => [m.address, m.args[0]]), [['/a', 1], ['/b', 2.5], ['/c', 'x']]);
  } finally {
    await t.close();
  }
});

/** Deterministic junk: 100 random datagrams that cannot start a message or bundle, 100 corrupted valid messages. */
function junk(): Uint8Array[] {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  const out: Uint8Array[] = [];
  for (let i = 0; i < 100; i += 1) {
    const b = Uint8Array.from({ length: 1 + (rnd() % 64) }, rnd);
    if (b[0] === 0x2f || b[0] === 0x23) b[0] = 0;
    out.push(b);
  }
  const valid = encodeOscMessage('/eq/2/freq', [440.5, 'x'], 'fs');
  for (let i = 0; i < 100; i += 1) {
    const b = valid.slice(0, valid.length - 1 - (i % 3)); // never a multiple of 4
    b[rnd() % b.length] = rnd();
    out.push(b);
  }
  return out;
}

test('osc-udp: 200 junk datagrams are dropped and counted, and a valid message after them still arrives', async () => {
  const { t, port } = await receiver();
  try {
    const datagrams = junk();
    // Batches, so the socket's receive buffer never overflows and every datagram is really counted.
    for (let i = 0; i < datagrams.length; i += 20) {
      for (const d of datagrams.slice(i, i + 20)) await sendRaw(d, port);
      await eventually(() => t.counters().dropped >= Math.min(i + 20, datagrams.length), `${i + 20} drops`);
    }
    assert.equal(t.counters().dropped, 200);
    assert.equal(t.counters().malformed, 200);
    assert.equal(t.counters().in, 0);
    assert.equal(t.counters().errors, 0);
    const got = first(t.messages$, () => true);
    await sendRaw(encodeOscMessage('/still/here', [1]), port);
    assert.equal((await got).address, '/still/here');
    assert.equal((await firstValueFrom(t.status$)).state, 'open');
  } finally {
    await t.close();
  }
});

test('osc-udp: oversized and truncated datagrams are counted apart, and non-finite floats dropped per message', async () => {
  const { t, port } = await receiver({ maxPacketBytes: 1024 });
  try {
    const big = new Uint8Array(2048);
    big.set(encodeOscMessage('/big', []));
    await sendRaw(big, port);
    await sendRaw(encodeOscMessage('/cut', [0.5]).slice(0, 8), port);
    await sendRaw(bundle(rawMessage('/nan', ',f', [0x7f, 0xc0, 0, 0]), encodeOscMessage('/fine', [1])), port);
    const fine = await first(t.messages$, () => true);
    assert.equal(fine.address, '/fine');
    await eventually(() => t.counters().dropped === 3, 'three drops');
    const c = t.counters();
    assert.deepEqual([c.oversized, c.malformed, c.nonFinite, c.in], [1, 1, 1, 1]);
  } finally {
    await t.close();
  }
});

test('osc-udp: binding a port in use fails open() with a sentence and status error', async () => {
  const { t: first_, port } = await receiver();
  const second = new OscUdpTransport({ name: 'osc-clash', mode: 'in', bind: { host: LOCAL, port } });
  try {
    await assert.rejects(second.open(), (err: unknown) => err instanceof TransportError && /already in use/.test(err.message));
    const s = await firstValueFrom(second.status$);
    assert.equal(s.state, 'error');
    assert.match(s.detail ?? '', new RegExp(`Port ${port} on ${LOCAL} is already in use`));
    assert.equal(second.counters().errors, 1);
    assert.doesNotThrow(() => second.send({ address: '/x', to: { host: LOCAL, port } }));
    assert.equal(second.counters().dropped, 1);
  } finally {
    await second.close();
    await first_.close();
  }
});

test('osc-udp: a send the OS refuses becomes an error sentence and count, and the socket keeps working', async () => {
  const { t: rx, port } = await receiver();
  const tx = new OscUdpTransport({ name: 'osc-tx', mode: 'out', bind: { host: '0.0.0.0' }, remote: { host: LOCAL, port } });
  await tx.open();
  try {
    // Broadcast without SO_BROADCAST is refused by the OS (EACCES), asynchronously.
    await assert.rejects(tx.sendAsync({ address: '/x', to: { host: '255.255.255.255', port: 9 } }), TransportError);
    let s = await firstValueFrom(tx.status$);
    assert.equal(s.state, 'error');
    assert.match(s.detail ?? '', /^osc-tx: .+\.$/);
    assert.equal(tx.counters().errors, 1);
    // A port the OS rejects outright is also a sentence, not an exception.
    assert.doesNotThrow(() => tx.send({ address: '/x', to: { host: LOCAL, port: 0 } }));
    assert.equal(tx.counters().errors, 2);
    const got = first(rx.messages$, () => true);
    await tx.sendAsync({ address: '/after/error', args: [1] });
    assert.equal((await got).address, '/after/error');
    s = await firstValueFrom(tx.status$);
    assert.equal(s.state, 'open');
  } finally {
    await tx.close();
    await rx.close();
  }
});

test('osc-udp: an output whose remote refuses goes to error with a sentence, and back to open once a listener appears', async () => {
  const { t: gone, port } = await receiver();
  await gone.close();
  const tx = new OscUdpTransport({ mode: 'out', bind: { host: LOCAL }, remote: { host: LOCAL, port }, retryMs: 100 });
  await tx.open();
  try {
    tx.send({ address: '/nobody', args: [1] });
    await eventually(() => tx.counters().errors > 0, 'the refusal');
    const refused = await firstValueFrom(tx.status$);
    assert.equal(refused.state, 'error');
    assert.match(refused.detail ?? '', new RegExp(`Nothing is listening at ${LOCAL}:${port}`));
    // Sends meanwhile never throw.
    for (let i = 0; i < 3; i += 1) assert.doesNotThrow(() => tx.send({ address: '/nobody', args: [i] }));
    const { t: back } = await receiver({ bind: { host: LOCAL, port } });
    try {
      const probe = first(back.messages$, () => true);
      let state = '';
      const sub = tx.status$.subscribe((st) => (state = st.state));
      await eventually(() => state === 'open', 'open again', 5000);
      sub.unsubscribe();
      // The probe is the last datagram sent, so the remote holds the value it was last given.
      assert.equal((await probe).address, '/nobody');
    } finally {
      await back.close();
    }
  } finally {
    await tx.close();
  }
});

test('osc-udp: an output to a host name that does not resolve is in error, drops what it is asked to send, and retries', async () => {
  const tx = new OscUdpTransport({ mode: 'out', bind: { host: LOCAL }, remote: { host: 'no-such-host.invalid', port: 9 }, retryMs: 50 });
  await tx.open();
  try {
    const s = await firstValueFrom(tx.status$);
    assert.equal(s.state, 'error');
    assert.match(s.detail ?? '', /"no-such-host\.invalid" could not be resolved.*Retrying/);
    await assert.rejects(tx.sendAsync({ address: '/x', args: [1] }), TransportError);
    assert.equal(tx.counters().dropped, 1);
    await eventually(() => tx.counters().errors >= 2, 'a second lookup');
  } finally {
    await tx.close();
  }
});

test('osc-udp: an input-only transport drops what it is asked to send', async () => {
  const { t } = await receiver();
  try {
    await assert.rejects(t.sendAsync({ address: '/x', to: { host: LOCAL, port: 9 } }), /receive-only/);
    assert.equal(t.counters().dropped, 1);
  } finally {
    await t.close();
  }
});

test('osc-udp: a message that cannot be encoded is dropped, not sent, and not an I/O error', async () => {
  const t = new OscUdpTransport({ mode: 'out', bind: { host: LOCAL }, remote: { host: LOCAL, port: 9 } });
  await t.open();
  try {
    await assert.rejects(t.sendAsync({ address: '/x', args: [Number.NaN], types: 'f' }), TransportError);
    assert.deepEqual([t.counters().dropped, t.counters().errors, t.counters().out], [1, 0, 0]);
  } finally {
    await t.close();
  }
});

test('the send lookup answers an IP address at once, with its family, and leaves host names to the resolver', async () => {
  const answers: [string, number][] = [];
  literalFirstLookup('127.0.0.1', 4, (err, address, family) => answers.push([address, family]));
  literalFirstLookup('::1', 6, (err, address, family) => answers.push([address, family]));
  // Synchronously: no turn of the event loop per datagram.
  assert.deepEqual(answers, [['127.0.0.1', 4], ['::1', 6]]);
  const named = await new Promise<[string, number]>((resolve, reject) => literalFirstLookup('localhost', 4, (err, address, family) => (err ? reject(err) : resolve([address, family]))));
  assert.deepEqual(named, ['127.0.0.1', 4]);
});

/** What the kernel holds for the transport's socket. */
function recvBufferSize(t: OscUdpTransport): number {
  const size = t.receiveBufferSize();
  assert.ok(size !== null, 'an open transport has a socket');
  return size;
}

/** The most the OS grants one socket: Linux's net.core.rmem_max where it can be read, else no cap assumed. */
function osCap(): number {
  try {
    return Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim());
  } catch {
    return Infinity;
  }
}

test('osc-udp: an input socket asks for a 1 MiB receive buffer by default, and for the size given when one is given', async () => {
  // Linux reports twice what it grants (the doubling pays for its bookkeeping), so the reported size is at least the grant.
  for (const [options, asked] of [[{}, 1 << 20], [{ receiveBufferBytes: 3 << 20 }, 3 << 20]] as const) {
    const t = new OscUdpTransport({ name: 'osc-in', mode: 'in', bind: { host: LOCAL, port: 0 }, ...options });
    await t.open();
    try {
      const granted = recvBufferSize(t);
      assert.ok(granted >= Math.min(asked, osCap()), `asked ${asked}, the socket holds ${granted}`);
    } finally {
      await t.close();
    }
  }
});
