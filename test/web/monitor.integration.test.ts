import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { DEFAULT_MAPPING, startRun } from '../../src/cli/run.js';
import { UsageError } from '../../src/cli/errors.js';
import { eqmorph } from '../support/cli.js';
import { startMonitoredRun, until, type MonitoredRun } from './running-monitor.js';

// The monitor over real sockets on 127.0.0.1 (ephemeral ports): the token rule for page and socket, and the socket's commands.
const TOKEN = 's3cret-token';

/** Opens a socket and resolves with its first messages, or with the HTTP status it was refused with. */
function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: unknown[] } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: unknown[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    ws.on('open', () => resolve({ ws, messages }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', reject);
  });
}

describe('a monitor with a token', () => {
  let m: MonitoredRun;
  let run: MonitoredRun['run'];
  let base: string;

  before(async () => {
    m = await startMonitoredRun(TOKEN);
    run = m.run;
    base = run.web!.url;
  });

  after(async () => {
    await m?.stop();
  });

  test('startup prints the real URL, with the port the OS picked', () => {
    assert.ok(run.web!.port > 0);
    assert.ok(m.log.some((l) => l.includes(`web monitor on http://127.0.0.1:${run.web!.port}/`)), m.log.join('\n'));
  });

  test('the page without a token is refused with 401, with a wrong one with 403', async () => {
    assert.equal((await fetch(base)).status, 401);
    assert.equal((await fetch(`${base}app.js`)).status, 401);
    assert.equal((await fetch(`${base}?token=wrong`)).status, 403);
    assert.equal((await fetch(base, { headers: { Authorization: 'Bearer wrong' } })).status, 403);
  });

  test('the page with the token as query, bearer header or cookie is served', async () => {
    const page = await fetch(`${base}?token=${TOKEN}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<canvas id="curve"/);
    // The cookie set with the page lets its own scripts load without the token in their URLs.
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal((await fetch(`${base}app.js`, { headers: { cookie } })).status, 200);
    assert.equal((await fetch(`${base}style.css`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);
  });

  test('the socket without the token is refused, with it it gets the vocabulary and the state', async () => {
    const wsBase = base.replace('http:', 'ws:') + 'ws';
    assert.deepEqual(await openSocket(wsBase), { status: 401 });
    assert.deepEqual(await openSocket(`${wsBase}?token=nope`), { status: 403 });
    const ok = await openSocket(`${wsBase}?token=${TOKEN}`);
    assert.ok('ws' in ok);
    await until('hello and a state frame', () => ok.messages.length >= 2);
    const [hello, frame] = ok.messages as [{ type: string; terms: string[] }, { type: string; instances: { name: string; curve: number[] }[] }];
    assert.equal(hello.type, 'hello');
    assert.deepEqual(hello.terms, [...run.decoder.terms]);
    assert.equal(frame.type, 'state');
    assert.equal(frame.instances[0]!.name, 'main');
    ok.ws.close();
  });

  test('a socket opened from another site is refused even with the token', async () => {
    const wsBase = base.replace('http:', 'ws:') + 'ws';
    assert.deepEqual(await openSocket(`${wsBase}?token=${TOKEN}`, { Origin: 'http://evil.example' }), { status: 403 });
  });

  test('a command on the socket reaches the EQ output as OSC band messages, and bad ones are refused with a reason', async () => {
    const ok = await openSocket(`${base.replace('http:', 'ws:')}ws`, { 'X-Eqmorph-Token': TOKEN });
    assert.ok('ws' in ok);
    const from = m.received.length;
    ok.ws.send(JSON.stringify({ type: 'set', instance: 'main', control: 'alpha', value: 0.9 }));
    await until('alpha reaches the bridge', () => run.bridge().state().get('main')!.alpha === 0.9);
    await until('band messages on the wire', () => m.received.slice(from).some((msg) => msg.address.startsWith('/eqmorph/band/')));
    await until('a frame with the new alpha', () => ok.messages.some((m) => (m as { instances?: { alpha: number }[] }).instances?.[0]?.alpha === 0.9));
    ok.ws.send(JSON.stringify({ type: 'set', instance: 'nobody', control: 'alpha', value: 0.1 }));
    await until('an error reply', () => ok.messages.some((m) => (m as { type: string }).type === 'error'));
    assert.equal(run.bridge().state().get('main')!.alpha, 0.9);
    ok.ws.close();
  });
});

test('a page that sends an oversized frame is dropped, and the monitor and bridge keep running', async () => {
  const m = await startMonitoredRun(null);
  try {
    const url = `${m.run.web!.url.replace('http:', 'ws:')}ws`;
    const rude = await openSocket(url);
    assert.ok('ws' in rude);
    const closed = new Promise<number>((r) => rude.ws.on('close', (code) => r(code)));
    rude.ws.send('x'.repeat(100_000));
    assert.equal(await closed, 1009, 'closed as too big');
    const polite = await openSocket(url);
    assert.ok('ws' in polite);
    polite.ws.send(JSON.stringify({ type: 'set', instance: 'main', control: 'alpha', value: 0.4 }));
    await until('the bridge still takes commands', () => m.run.bridge().state().get('main')!.alpha === 0.4);
    polite.ws.close();
  } finally {
    await m.stop();
  }
});

test('a non-loopback host without a token is refused before anything opens (even the mapping is not read)', async () => {
  await assert.rejects(
    startRun({ mapping: '/nonexistent/mapping.yaml', web: { listen: { host: '0.0.0.0', port: 0 }, token: null } }, () => {}),
    (err: Error) => err instanceof UsageError && /--web-token/.test(err.message),
  );
});

test('eqmorph run --web 0.0.0.0 without a token exits with code 2 and one line saying how to fix it', async () => {
  const r = await eqmorph('run', '--web', '0.0.0.0:0');
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /--web-token TOKEN/);
});

test('with a token on a non-loopback host it starts and prints a warning', async () => {
  const log: string[] = [];
  const run = await startRun(
    {
      mapping: DEFAULT_MAPPING,
      oscIn: { host: '127.0.0.1', port: 0 },
      oscOut: { host: '127.0.0.1', port: 9 },
      web: { listen: { host: '0.0.0.0', port: 0 }, token: TOKEN },
      rehearse: 0,
    },
    (line) => log.push(line),
  );
  try {
    assert.ok(log.some((l) => /warning: the web monitor is reachable from other machines/.test(l)), log.join('\n'));
    assert.equal((await fetch(`http://127.0.0.1:${run.web!.port}/`)).status, 401);
  } finally {
    await run.stop();
  }
});

test('a port already in use is one line naming the fix, and exit code 1', async () => {
  const holder = await startRun({ mapping: DEFAULT_MAPPING, oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port: 9 }, web: { listen: { host: '127.0.0.1', port: 0 }, token: null }, rehearse: 0 }, () => {});
  try {
    const r = await eqmorph('run', '--web', String(holder.web!.port));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr.trim(), /^eqmorph run: web monitor: cannot listen on 127\.0\.0\.1:\d+ \(the port is in use\); .*--no-web$/);
  } finally {
    await holder.stop();
  }
});
