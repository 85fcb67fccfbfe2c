import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BehaviorSubject, NEVER } from 'rxjs';
import type { MorphDecoder } from '../../src/morph/morph-state.js';
import type { Bridge } from '../../src/pipeline/bridge.js';
import type { Mapping } from '../../src/profiles/types.js';
import { webStatsLine } from '../../src/web/page-sockets.js';
import { startWebMonitor, type WebMonitor } from '../../src/web/monitor.js';
import { TOKEN_COOKIE } from '../../src/web/access.js';
import { until } from '../support/until.js';
import { clientFrame, rawExchange, rawSocket, statusOf, upgradeRequest, upgradeStatus } from './raw-http.js';

// Requests from a hostile client over real TCP on 127.0.0.1: none of them may end the process; each is answered and counted.
const TOKEN = 'hostile-test-token';

for (const token of [null, TOKEN]) {
  describe(`a monitor ${token ? 'with' : 'without'} a token, under requests no page sends`, () => {
    let monitor: WebMonitor;
    before(async () => {
      monitor = await startWebMonitor({ listen: { host: '127.0.0.1', port: 0 }, token, allowHosts: ['mixer-pc.local'] });
    });
    after(async () => {
      await monitor?.close();
    });

    test('an upgrade to the path // is answered 400 and counted, and the monitor still serves', async () => {
      const before = monitor.counters().badRequests;
      assert.equal(statusOf(await rawExchange(monitor.port, upgradeRequest('//'))), 400);
      assert.equal(monitor.counters().badRequests, before + 1);
      const page = await fetch(`${monitor.url}?token=${TOKEN}`);
      assert.equal(page.status, 200);
    });

    test('a Host that is neither loopback, an address, the --web host nor an allowed name is refused (DNS rebinding)', async () => {
      const evil = `evil.example:${monitor.port}`;
      const page = await rawExchange(monitor.port, `GET /?token=${TOKEN} HTTP/1.1\r\nHost: ${evil}\r\nOrigin: http://${evil}\r\nConnection: close\r\n\r\n`);
      assert.equal(statusOf(page), 403);
      assert.equal(statusOf(await rawExchange(monitor.port, upgradeRequest(`/ws?token=${TOKEN}`, [`Origin: http://${evil}`], evil))), 403);
      const allowed = `mixer-pc.local:${monitor.port}`;
      assert.equal(await upgradeStatus(monitor.port, upgradeRequest(`/ws?token=${TOKEN}`, [`Origin: http://${allowed}`], allowed)), 101);
      assert.equal(await upgradeStatus(monitor.port, upgradeRequest(`/ws?token=${TOKEN}`, [], `localhost:${monitor.port}`)), 101);
    });
  });
}

describe('a monitor with a token, given a cookie that is not URL-encoded', () => {
  let monitor: WebMonitor;
  before(async () => {
    monitor = await startWebMonitor({ listen: { host: '127.0.0.1', port: 0 }, token: TOKEN });
  });
  after(async () => {
    await monitor?.close();
  });

  test('an upgrade carrying it is answered 400 and counted, and the monitor still serves', async () => {
    const before = monitor.counters().badRequests;
    assert.equal(statusOf(await rawExchange(monitor.port, upgradeRequest('/ws', [`Cookie: ${TOKEN_COOKIE}=%E0%A4%A`]))), 400);
    assert.equal(monitor.counters().badRequests, before + 1);
    assert.equal((await fetch(`${monitor.url}?token=${TOKEN}`)).status, 200);
  });

  test('a page request carrying it is answered 400, not 500', async () => {
    assert.equal((await fetch(monitor.url, { headers: { cookie: `${TOKEN_COOKIE}=%E0%A4%A` } })).status, 400);
    // --stats says so.
    assert.match(webStatsLine(monitor.counters()), /^stats: web: bad requests [1-9]\d*, refused \d+/);
  });
});

describe('pages that do not keep up', () => {
  let monitor: WebMonitor;
  before(async () => {
    monitor = await startWebMonitor({ listen: { host: '127.0.0.1', port: 0 }, token: null }, { pingMs: 300 });
    // A bridge with no instances: every command is refused, and each refusal is a reply.
    const bridge = { states$: NEVER, events$: NEVER, log$: NEVER, state: () => new Map(), inject: () => undefined } as unknown as Bridge;
    const runs$ = new BehaviorSubject({ bridge, mapping: { instances: [] } as unknown as Mapping });
    monitor.attach({ runs$, decoder: { terms: ['warm', 'bright'] } as unknown as MorphDecoder, map: { points: [], spearman: 1 }, transports: [] });
  });
  after(async () => {
    await monitor?.close();
  });

  test('a page that floods commands and never reads gets no pile of replies, and is closed', async () => {
    const socket = await rawSocket(monitor.port);
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => undefined);
    const frame = clientFrame(JSON.stringify({ type: 'x'.repeat(200) }));
    // About 25 MB of replies asked for (each is the refusal with the type quoted); the kernel buffers hold a few.
    for (let i = 0; i < 100 && !socket.destroyed; i++) {
      if (!socket.write(Buffer.concat(Array.from({ length: 1000 }, () => frame)))) await new Promise((r) => setTimeout(r, 5));
    }
    await until('the page closed by the monitor', () => monitor.counters().closedIdle + monitor.counters().closedSlow >= 1, 10_000);
    socket.resume();
    await closed;
    assert.ok(monitor.counters().skipped > 0, JSON.stringify(monitor.counters()));
  });

  test('a connection stopped in the middle of a frame is closed within two ping intervals', async () => {
    const socket = await rawSocket(monitor.port);
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write(clientFrame('{"type":"set"}').subarray(0, 5));
    const before = monitor.counters().closedIdle;
    socket.resume();
    await closed;
    assert.equal(monitor.counters().closedIdle, before + 1);
  });
});
