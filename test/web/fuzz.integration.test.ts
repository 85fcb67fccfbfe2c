import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startWebMonitor, type WebMonitor } from '../../src/web/monitor.js';
import { TOKEN_COOKIE } from '../../src/web/access.js';
import { clientFrame, rawExchange, statusOf, upgradeRequest } from './raw-http.js';

// Random bytes at the monitor over real TCP on 127.0.0.1 (bounded runs): whatever arrives, the process lives and still
// serves the page. A listener that threw would end this test process, so surviving is the first assertion.
const TOKEN = 'fuzz-token';

const text = fc.string({ unit: fc.constantFrom(...'/%.?=&;:[]@#\\ aZ09-_~\u00e9\u0000\t'.split('')), maxLength: 40 });
const token = fc.oneof(text, fc.constant(TOKEN), fc.constant('%E0%A4%A'), fc.constant('%'));
const path = fc.oneof(text, fc.constantFrom('/', '//', '/ws', '/ws?token=', '///ws', 'http://[', '*', '/%', '/..%2f..%2fetc/passwd'));
const headerLine = fc.oneof(
  fc.tuple(fc.constantFrom('Host', 'Origin', 'Cookie', 'Authorization', 'X-Eqmorph-Token', 'Upgrade', 'Connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Content-Length', 'Transfer-Encoding'), text).map(([k, v]) => `${k}: ${v}`),
  token.map((t) => `Cookie: ${TOKEN_COOKIE}=${t}`),
  text.map((t) => `${t}: ${t}`),
  text,
);
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'CONNECT', 'GE T', '', 'PRI');
const request = fc.tuple(method, path, fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', ''), fc.array(headerLine, { maxLength: 6 })).map(([m, p, v, h]) => [`${m} ${p} ${v}`, ...h, 'Connection: close', '', ''].join('\r\n'));
const upgrade = fc.tuple(path, fc.array(headerLine, { maxLength: 4 }), fc.constantFrom('127.0.0.1', 'localhost', 'evil.example', '[::1]', '', ':::')).map(([p, h, host]) => upgradeRequest(p, h, host));
const frames = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    fc.tuple(fc.string({ maxLength: 200 }), fc.constantFrom(0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xf)).map(([t, op]) => clientFrame(t, op)),
    fc.record({ type: fc.constantFrom('set', 'x'), instance: fc.constantFrom('main', 'nope'), control: fc.constantFrom('alpha', 'termA', 'bypass', 'x'), value: fc.jsonValue() }).map((c) => clientFrame(JSON.stringify(c))),
  ),
  { maxLength: 8 },
);

describe('the web monitor under random requests', () => {
  let monitor: WebMonitor;
  before(async () => {
    monitor = await startWebMonitor({ listen: { host: '127.0.0.1', port: 0 }, token: TOKEN });
  });
  after(async () => {
    await monitor?.close();
  });

  const stillServes = async () => assert.equal((await fetch(`${monitor.url}?token=${TOKEN}`)).status, 200);

  test('random request lines, headers and cookies are answered (never 500) and the page is still served', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const status = statusOf(await rawExchange(monitor.port, req, 100));
        assert.ok(status === 0 || (status >= 200 && status < 500), `${status} for ${JSON.stringify(req)}`);
      }),
      { numRuns: 150 },
    );
    await stillServes();
  });

  test('random upgrade requests followed by random frames never end the process', async () => {
    await fc.assert(
      fc.asyncProperty(upgrade, frames, async (req, fs) => {
        await rawExchange(monitor.port, Buffer.concat([Buffer.from(req, 'latin1'), ...fs]), 100);
      }),
      { numRuns: 100 },
    );
    await stillServes();
  });

  test('frames after a good handshake, with the token, never end the process', async () => {
    await fc.assert(
      fc.asyncProperty(frames, async (fs) => {
        await rawExchange(monitor.port, Buffer.concat([Buffer.from(upgradeRequest(`/ws?token=${TOKEN}`), 'latin1'), ...fs]), 100);
      }),
      { numRuns: 100 },
    );
    await stillServes();
    assert.ok(monitor.counters().badRequests > 0);
  });
});
