import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { noBrowser, openBrowser, type OpenBrowser } from '../support/browser.js';
import { startMonitoredRun, until, type MonitoredRun } from './running-monitor.js';

// The page of a running bridge in headless Chromium: its fader and pickers must reach the EQ outputs on the wire.
const SHOTS = join('test-output', 'web');
const skip = noBrowser;
if (skip) console.log(`# browser tests skipped: ${skip}`);

describe('web monitor in a browser', { skip }, () => {
  let bridge: MonitoredRun;
  let context: BrowserContext;
  let page: Page;
  let browser: OpenBrowser;
  const run = () => bridge.run;

  before(async () => {
    browser = await openBrowser({ width: 1280, height: 860 });
    bridge = await startMonitoredRun(null);
    ({ context, page } = browser);
    await page.goto(run().web!.url);
    await page.locator('#link[data-state="open"]').waitFor();
    await page.locator('#curve[data-alpha]').waitFor();
  });

  after(async () => {
    await browser?.close();
    await bridge?.stop();
  });

  const curvePixels = () => page.locator('#curve').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  const bandMessages = (from: number) => bridge.received.slice(from).filter((m) => /^\/eqmorph\/band\/[1-5]\/(gain|freq|q)$/.test(m.address));

  test('the page shows the pair, the five bands and the transports of the running bridge', async () => {
    assert.match((await page.locator('#pair').textContent()) ?? '', /warm → bright/);
    const gains = await page.locator('#bands tr[data-param="gain"] td').allTextContents();
    assert.equal(gains.length, 5);
    assert.ok(gains.every((g) => /^[+-]?\d+\.\d$/.test(g)), gains.join(' '));
    const transports = await page.locator('#transports li').allTextContents();
    assert.ok(transports.some((t) => /in surface/.test(t)) && transports.some((t) => /out eq/.test(t)), transports.join(' | '));
    assert.ok((await page.locator('#termA option').count()) >= run().decoder.terms.length);
  });

  test('moving the on-screen alpha fader sends OSC band messages and redraws the curve', async () => {
    const before = await curvePixels();
    const gainsBefore = await page.locator('#bands tr[data-param="gain"] td').allTextContents();
    const from = bridge.received.length;
    const box = (await page.locator('#alpha').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 4, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 4 + ((box.width - 8) * 0.8 * i) / 10, y);
    await page.mouse.up();
    await until('alpha reaches the bridge', () => run().bridge().state().get('main')!.alpha > 0.6);
    await until('band messages on the UDP socket', () => bandMessages(from).length > 0);
    await until('the curve is redrawn', async () => (await curvePixels()) !== before);
    await until('the band table follows', async () => (await page.locator('#bands tr[data-param="gain"] td').allTextContents()).join() !== gainsBefore.join());
    const sent = bandMessages(from).at(-1)!;
    assert.equal(typeof sent.args[0], 'number');
  });

  test('the strength knob moves strength through the same pipeline', async () => {
    await page.locator('#strength').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
    await until('strength reaches the bridge', () => Math.abs(run().bridge().state().get('main')!.strength - 0.7) < 1e-9);
  });

  test('switching term B in the picker changes the pair on the wire and on the page', async () => {
    const from = bridge.received.length;
    await page.locator('#termB').selectOption('clear');
    await until('term B reaches the bridge', () => run().bridge().state().get('main')!.termB === 'clear');
    await until('band messages for the new pair', () => bandMessages(from).length > 0);
    await until('the page shows the new pair', async () => /warm → clear/.test((await page.locator('#pair').textContent()) ?? ''));
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'monitor.png'), fullPage: true });
    assert.ok(existsSync(join(SHOTS, 'monitor.png')));
  });

  test('with a token the page is refused without it, and opened with ?token it goes live over its socket', async () => {
    const guarded = await startMonitoredRun('browser-secret');
    const tab = await context.newPage();
    try {
      const refused = await tab.goto(guarded.run.web!.url);
      assert.equal(refused?.status(), 401);
      const served = await tab.goto(`${guarded.run.web!.url}?token=browser-secret`);
      assert.equal(served?.status(), 200);
      await tab.locator('#link[data-state="open"]').waitFor();
      await tab.locator('#curve[data-alpha]').waitFor();
    } finally {
      await tab.close();
      await guarded.stop();
    }
  });

  test('with two instances the page picks one, and its fader drives only that one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eqmorph-web-two-'));
    const file = join(dir, 'two.yaml');
    const inst = (name: string, index: number) => `  - { name: ${name}, output: eq, index: ${index}, initial: { term_a: warm, term_b: bright }, bindings: [] }\n`;
    writeFileSync(
      file,
      `version: 1\nkind: mapping\nname: two instances\ninputs:\n  surface: { profile: ${resolve('firmware-profiles/controllers/eqmorph-osc.yaml')}, osc: { listen: 127.0.0.1:19000 } }\n` +
        `outputs:\n  eq: { profile: ${resolve('firmware-profiles/targets/eqmorph-osc.yaml')}, osc: { send: 127.0.0.1:9 } }\ninstances:\n${inst('one', 1)}${inst('two', 2)}`,
    );
    const two = await startMonitoredRun(null, file);
    const tab = await context.newPage();
    try {
      await tab.goto(two.run.web!.url);
      await tab.locator('#curve[data-alpha]').waitFor();
      assert.deepEqual(await tab.locator('#instance option').allTextContents(), ['one', 'two']);
      await tab.locator('#instance').selectOption('two');
      await tab.locator('#alpha').focus();
      await tab.keyboard.press('End');
      await until('instance two reaches alpha 1', () => two.run.bridge().state().get('two')!.alpha === 1);
      assert.equal(two.run.bridge().state().get('one')!.alpha, 0);
      await until('the page shows it', async () => (await tab.locator('#alphaOut').textContent()) === '1.00');
      mkdirSync(SHOTS, { recursive: true });
      await tab.screenshot({ path: join(SHOTS, 'two-instances.png') });
    } finally {
      await tab.close();
      await two.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
