import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { noBrowser as skip, openBrowser, type OpenBrowser } from '../support/browser.js';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { startMonitoredRun, until, type MonitoredRun } from './running-monitor.js';

// The page on a phone-sized screen: it fits, its keys take audible steps, cut texts have tooltips, the log reads.

describe('web monitor details at 420 px', { skip }, () => {
  let bridge: MonitoredRun;
  let browser: OpenBrowser;
  let page: Page;
  const alpha = () => bridge.run.bridge().state().get('main')!.alpha;

  before(async () => {
    browser = await openBrowser({ width: 420, height: 900 });
    bridge = await startMonitoredRun(null);
    page = browser.page;
    await page.goto(bridge.run.web!.url);
    await page.locator('#link[data-state="open"]').waitFor();
    await page.locator('#curve[data-alpha]').waitFor();
  });

  after(async () => {
    await browser?.close();
    await bridge?.stop();
  });

  test('nothing is wider than the screen', async () => {
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 420);
    const right = await page.locator('#termB').evaluate((e) => e.getBoundingClientRect().right);
    assert.ok(right <= 420, `the B picker ends at ${right} px`);
  });

  test('arrow keys move alpha by 0.01, and by 0.1 with Shift', async () => {
    await page.locator('#alpha').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await until('alpha 0.03', () => Math.abs(alpha() - 0.03) < 1e-6);
    await page.keyboard.press('Shift+ArrowRight');
    await until('alpha 0.13', () => Math.abs(alpha() - 0.13) < 1e-6);
    await page.keyboard.press('ArrowLeft');
    await until('alpha 0.12', () => Math.abs(alpha() - 0.12) < 1e-6);
  });

  test('a transport description cut short has the whole text as its tooltip', async () => {
    const spans = page.locator('#transports .endpoint');
    assert.ok((await spans.count()) >= 2);
    for (const span of await spans.all()) assert.equal(await span.getAttribute('title'), await span.textContent());
  });

  test('the log says on and off for a button, and each line has its whole text as a tooltip', async () => {
    await bridge.send(encodeOscMessage('/eqmorph/bypass', [1], 'i'));
    await until('bypass in the log', async () => (await page.locator('#log li').allTextContents()).some((l) => /surface\.bypass on$/.test(l)));
    const last = page.locator('#log li').last();
    assert.equal(await last.getAttribute('title'), await last.textContent());
  });
});
