import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_MAPPING, startRun } from '../../src/cli/run.js';
import { decodeOscPacket, type OscMessage } from '../../src/transports/osc-packet.js';

// The page of a running bridge in headless Chromium: its fader and pickers must reach the EQ outputs on the wire.
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join('test-output', 'web');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`;
if (skip) console.log(`# browser tests skipped: ${skip}`);

describe('web monitor in a browser', { skip }, () => {
  let run: Awaited<ReturnType<typeof startRun>>;
  let rx: dgram.Socket;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const received: OscMessage[] = [];

  before(async () => {
    rx = dgram.createSocket('udp4');
    rx.on('message', (buf) => {
      const r = decodeOscPacket(new Uint8Array(buf));
      if (r.ok) received.push(...r.messages);
    });
    await new Promise<void>((res) => rx.bind(0, '127.0.0.1', res));
    run = await startRun(
      {
        mapping: DEFAULT_MAPPING,
        oscIn: { host: '127.0.0.1', port: 0 },
        oscOut: { host: '127.0.0.1', port: rx.address().port },
        web: { listen: { host: '127.0.0.1', port: 0 }, token: null },
      },
      () => {},
    );
    profileDir = mkdtempSync(join(tmpdir(), 'eqmorph-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 860 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(run.web!.url);
    await page.locator('#link[data-state="open"]').waitFor();
    await page.locator('#curve[data-alpha]').waitFor();
  });

  after(async () => {
    await context?.close();
    await run?.stop();
    rx?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  const curvePixels = () => page.locator('#curve').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  const bandMessages = (from: number) => received.slice(from).filter((m) => /^\/eqmorph\/band\/[1-5]\/(gain|freq|q)$/.test(m.address));

  /** Polls until `ok` holds, failing with `what` after a generous bound (a bound on correctness, not on speed). */
  async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
    const start = Date.now();
    while (!(await ok())) {
      if (Date.now() - start > 10_000) assert.fail(`gave up waiting: ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  test('the page shows the pair, the five bands and the transports of the running bridge', async () => {
    assert.match((await page.locator('#pair').textContent()) ?? '', /warm → bright/);
    const gains = await page.locator('#bands tr[data-param="gain"] td').allTextContents();
    assert.equal(gains.length, 5);
    assert.ok(gains.every((g) => /^[+-]?\d+\.\d$/.test(g)), gains.join(' '));
    const transports = await page.locator('#transports li').allTextContents();
    assert.ok(transports.some((t) => /in surface/.test(t)) && transports.some((t) => /out eq/.test(t)), transports.join(' | '));
    assert.ok((await page.locator('#termA option').count()) >= run.decoder.terms.length);
  });

  test('moving the on-screen alpha fader sends OSC band messages and redraws the curve', async () => {
    const before = await curvePixels();
    const gainsBefore = await page.locator('#bands tr[data-param="gain"] td').allTextContents();
    const from = received.length;
    const box = (await page.locator('#alpha').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 4, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 4 + ((box.width - 8) * 0.8 * i) / 10, y);
    await page.mouse.up();
    await until('alpha reaches the bridge', () => run.bridge().state().get('main')!.alpha > 0.6);
    await until('band messages on the UDP socket', () => bandMessages(from).length > 0);
    await until('the curve is redrawn', async () => (await curvePixels()) !== before);
    await until('the band table follows', async () => (await page.locator('#bands tr[data-param="gain"] td').allTextContents()).join() !== gainsBefore.join());
    const sent = bandMessages(from).at(-1)!;
    assert.equal(typeof sent.args[0], 'number');
  });

  test('the strength knob moves strength through the same pipeline', async () => {
    await page.locator('#strength').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
    await until('strength reaches the bridge', () => Math.abs(run.bridge().state().get('main')!.strength - 0.7) < 1e-9);
  });

  test('switching term B in the picker changes the pair on the wire and on the page', async () => {
    const from = received.length;
    await page.locator('#termB').selectOption('clear');
    await until('term B reaches the bridge', () => run.bridge().state().get('main')!.termB === 'clear');
    await until('band messages for the new pair', () => bandMessages(from).length > 0);
    await until('the page shows the new pair', async () => /warm → clear/.test((await page.locator('#pair').textContent()) ?? ''));
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'monitor.png'), fullPage: true });
    assert.ok(existsSync(join(SHOTS, 'monitor.png')));
  });
});
