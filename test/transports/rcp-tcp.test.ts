// Yamaha's remote control protocol over TCP: the transport contract against a loopback desk, the line codec, the
// desk's replies checked and counted, and reconnection after a lost connection.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseRcpLine, rcpCommand, RcpTcpTransport } from '../../src/transports/rcp-tcp.js';
import type { OscInMessage, OscOutMessage } from '../../src/transports/osc-udp.js';
import { startYamahaDouble } from '../support/yamaha-double.js';
import { until } from '../support/until.js';
import { first, transportContract } from './contract.js';

/** A desk that reports every `set` it gets back to the sender as a NOTIFY line (as it would a change made elsewhere). */
async function loopbackDesk(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let pending = '';
    s.setEncoding('utf8');
    s.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('set ')) s.write(`OK ${line}\nNOTIFY ${line}\n`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

transportContract<OscInMessage, OscOutMessage>('rcp-tcp', async () => {
  const desk = await loopbackDesk();
  const t = new RcpTcpTransport({ name: 'rcp-loop', remote: { host: '127.0.0.1', port: desk.port } });
  return {
    transport: t,
    sample: (n) => ({ address: `MIXER:Current/InCh/Fader/Level ${n} 0`, args: [n * 100], types: 'i' }),
    isEcho: (m, n) => m.address === `MIXER:Current/InCh/Fader/Level ${n} 0` && m.args[0] === n * 100,
    dispose: async () => {
      await t.close();
      await desk.close();
    },
  };
});

test('a value makes a set line, no value a get line; text is quoted with its quotes escaped', () => {
  assert.equal(rcpCommand({ address: 'MIXER:Current/InCh/PEQ/Band/Gain 0 1', args: [600] }), 'set MIXER:Current/InCh/PEQ/Band/Gain 0 1 600');
  assert.equal(rcpCommand({ address: 'MIXER:Current/InCh/PEQ/Band/Gain 0 1' }), 'get MIXER:Current/InCh/PEQ/Band/Gain 0 1');
  assert.equal(rcpCommand({ address: 'MIXER:Current/InCh/Label/Name 2 0', args: ['Vox "lead"'] }), 'set MIXER:Current/InCh/Label/Name 2 0 "Vox \\"lead\\""');
});

test('the desk\'s lines are read: OK, OKm and NOTIFY with the value (display text after it ignored), ERROR, and anything else as malformed', () => {
  assert.deepEqual(parseRcpLine('NOTIFY set MIXER:Current/InCh/PEQ/Band/Gain 3 1 -450 "-4.50"'), { kind: 'notify', command: 'set', address: 'MIXER:Current/InCh/PEQ/Band/Gain 3 1', value: -450 });
  assert.deepEqual(parseRcpLine('OK get MIXER:Current/InCh/PEQ/Band/Freq 0 2 10000'), { kind: 'ok', command: 'get', address: 'MIXER:Current/InCh/PEQ/Band/Freq 0 2', value: 10000 });
  assert.deepEqual(parseRcpLine('OKm set MIXER:Current/InCh/Label/Name 1 0 "Kick In"'), { kind: 'ok', command: 'set', address: 'MIXER:Current/InCh/Label/Name 1 0', value: 'Kick In' });
  assert.equal(parseRcpLine('ERROR set UnknownAddress').kind, 'error');
  assert.equal(parseRcpLine('hello').kind, 'malformed');
  assert.equal(parseRcpLine('OK set MIXER:Current/InCh/PEQ/On x 0 1').kind, 'malformed');
});

test('for every integer value and index, a set line read back as the desk echoes it gives the same address and value', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 287 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: -32768, max: 200000 }), (x, y, v) => {
      const line = rcpCommand({ address: `MIXER:Current/InCh/PEQ/Band/Q ${x} ${y}`, args: [v] });
      const r = parseRcpLine(`NOTIFY ${line} "${v}"`);
      assert.deepEqual(r, { kind: 'notify', command: 'set', address: `MIXER:Current/InCh/PEQ/Band/Q ${x} ${y}`, value: v });
    }),
  );
});

test('the desk\'s replies are checked: accepted sets are counted, a refused command is counted and said in the status, the next accepted one clears it', async () => {
  const desk = await startYamahaDouble();
  const t = new RcpTcpTransport({ name: 'dm7', remote: { host: '127.0.0.1', port: desk.port } });
  try {
    await t.open();
    t.send({ address: 'MIXER:Current/InCh/PEQ/Band/Gain 0 0', args: [600] });
    t.send({ address: 'MIXER:Current/InCh/PEQ/Band/Gain 0 0', args: [99999] });
    await until('both replies', () => t.counters().accepted + t.counters().refused === 2);
    assert.deepEqual([t.counters().accepted, t.counters().refused], [1, 1]);
    assert.match((await first(t.status$, () => true)).detail ?? '', /the desk refused a command: ERROR set InvalidArgument/);
    t.send({ address: 'MIXER:Current/InCh/PEQ/Band/Gain 0 0', args: [300] });
    await first(t.status$, (s) => s.state === 'open');
    assert.equal(desk.value('MIXER:Current/InCh/PEQ/Band/Gain 0 0'), 300);
  } finally {
    await t.close();
    await desk.close();
  }
});

test('lines split across TCP segments and joined in one are framed one by one', async () => {
  const server = net.createServer((s) => {
    s.write('NOTIFY set MIXER:Current/InCh/PEQ/Band/Gain 0 0 1');
    setTimeout(() => s.write('00 "1.00"\r\nNOTIFY set MIXER:Current/InCh/PEQ/Band/Gain 0 1 200 "2.00"\nNOTIFY set MIXER:Current/InCh/PEQ/Band/Gain 0 2 300\n'), 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const t = new RcpTcpTransport({ remote: { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port } });
  const got: OscInMessage[] = [];
  t.messages$.subscribe((m) => got.push(m));
  try {
    await t.open();
    await until('three reports', () => got.length === 3);
    assert.deepEqual(got.map((m) => [m.address, m.args[0]]), [
      ['MIXER:Current/InCh/PEQ/Band/Gain 0 0', 100],
      ['MIXER:Current/InCh/PEQ/Band/Gain 0 1', 200],
      ['MIXER:Current/InCh/PEQ/Band/Gain 0 2', 300],
    ]);
  } finally {
    await t.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a lost connection is reported, retried with backoff, and counted as a reconnect when the desk takes it again; sends meanwhile are dropped', async () => {
  const desk = await startYamahaDouble();
  const t = new RcpTcpTransport({ name: 'dm7', remote: { host: '127.0.0.1', port: desk.port }, backoffInitialMs: 20, backoffMaxMs: 100 });
  try {
    await t.open();
    desk.dropClients();
    await first(t.status$, (s) => s.state === 'error');
    t.send({ address: 'MIXER:Current/InCh/PEQ/On 0 0', args: [1] });
    await first(t.status$, (s) => s.state === 'open', 5000);
    assert.equal(t.counters().reconnects, 1);
    assert.ok(t.counters().dropped >= 1);
    await t.sendAsync({ address: 'MIXER:Current/InCh/PEQ/On 0 0', args: [1] });
    await until('the set after reconnecting', () => desk.value('MIXER:Current/InCh/PEQ/On 0 0') === 1);
  } finally {
    await t.close();
    await desk.close();
  }
});

test('a desk that is not there yet: open() resolves with the status saying so, and the transport connects once it listens', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const t = new RcpTcpTransport({ name: 'dm7', remote: { host: '127.0.0.1', port }, backoffInitialMs: 20, backoffMaxMs: 50 });
  const late = net.createServer();
  try {
    await t.open();
    assert.match((await first(t.status$, () => true)).detail ?? '', /Nothing is listening at 127\.0\.0\.1/);
    await new Promise<void>((r) => late.listen(port, '127.0.0.1', r));
    await first(t.status$, (s) => s.state === 'open', 5000);
  } finally {
    await t.close();
    await new Promise<void>((r) => late.close(() => r()));
  }
});
