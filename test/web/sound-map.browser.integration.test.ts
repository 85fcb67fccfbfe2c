import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { noBrowser as skip, openBrowser, type OpenBrowser } from '../support/browser.js';
import { readSoundMap } from '../../src/model/sound-map-file.js';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { startMonitoredRun, until, type MonitoredRun } from './running-monitor.js';

// The sound map and the XY pad on the page of a running bridge, in headless Chromium: readable labels, and playable.
const SHOTS = join('test-output', 'web');

interface Box {
  readonly term: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Pairs of drawn labels whose boxes overlap (by more than a hair of rounding). */
function overlapping(boxes: readonly Box[]): string[] {
  const out: string[] = [];
  boxes.forEach((a, i) =>
    boxes.slice(i + 1).forEach((b) => {
      if (a.x < b.x + b.w - 0.01 && b.x < a.x + a.w - 0.01 && a.y < b.y + b.h - 0.01 && b.y < a.y + a.h - 0.01) out.push(`${a.term}/${b.term}`);
    }),
  );
  return out;
}

describe('sound map and XY pad in a browser', { skip }, () => {
  let bridge: MonitoredRun;
  let browser: OpenBrowser;
  let context: BrowserContext;
  let page: Page;
  const map = readSoundMap(DEFAULT_MODEL_DIR)!;
  const state = () => bridge.run.bridge().state().get('main')!;

  before(async () => {
    browser = await openBrowser({ width: 1280, height: 1000 });
    ({ context, page } = browser);
    bridge = await startMonitoredRun(null);
    await page.goto(bridge.run.web!.url);
    await page.locator('#link[data-state="open"]').waitFor();
    await page.locator('#map[data-labels]').waitFor();
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await bridge?.stop();
  });

  const labels = async (): Promise<Box[]> => JSON.parse((await page.locator('#map').getAttribute('data-labels')) ?? '[]');

  test('the map labels many words, the pair among them, and no two labels overlap', async () => {
    const boxes = await labels();
    assert.ok(boxes.length >= 25, `${boxes.length} labels`);
    assert.ok(boxes.length < map.points.length, 'the crowded middle keeps dots without labels');
    assert.deepEqual(overlapping(boxes), []);
    assert.ok(['warm', 'bright'].every((t) => boxes.some((b) => b.term === t)));
    await page.locator('section.map').screenshot({ path: join(SHOTS, 'sound-map.png') });
  });

  test('zooming in names words that had no label, still without overlaps', async () => {
    // Zoom centres on the current point, so fewer words may be in view: the claim is that words unnamed before get names.
    const before = new Set((await labels()).map((b) => b.term));
    await page.locator('#zoomIn').click();
    await page.locator('#zoomIn').click();
    await until('newly named words', async () => (await labels()).some((b) => !before.has(b.term)));
    assert.deepEqual(overlapping(await labels()), []);
    await page.locator('section.map').screenshot({ path: join(SHOTS, 'sound-map-zoomed.png') });
    await page.locator('#zoomOut').click();
    await page.locator('#zoomOut').click();
    await page.locator('#zoomOut').click();
  });

  test('clicking a word on the map plays that point through the bindings and sends the EQ', async () => {
    const bright = map.points.find((p) => p.term === 'bright')!;
    const box = (await page.locator('#map').boundingBox())!;
    // The page draws the map at 94 % of the canvas's shorter side, centred, at zoom 1.
    const scale = Math.min(box.width, box.height) * 0.94;
    const from = bridge.received.length;
    await page.mouse.click(box.x + box.width / 2 + (bright.x - 0.5) * scale, box.y + box.height / 2 - (bright.y - 0.5) * scale);
    await until('the bridge is on the map', () => state().mode === 'map');
    assert.ok(Math.abs(state().mapX! - bright.x) < 0.01 && Math.abs(state().mapY! - bright.y) < 0.01, `${state().mapX}, ${state().mapY}`);
    await until('band messages on the wire', () => bridge.received.slice(from).some((m) => /^\/eqmorph\/band\//.test(m.address)));
    await until('the page says so', async () => /sound map/.test((await page.locator('#pair').textContent()) ?? ''));
  });

  test('dragging on the XY pad plays the pad; a corner picker changes its corner word', async () => {
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.8);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.25, { steps: 8 });
    await page.mouse.up();
    await until('the bridge is on the pad', () => state().mode === 'xy' && Math.abs(state().x! - 0.75) < 0.02 && Math.abs(state().y! - 0.75) < 0.02);
    await page.locator('#corner4').selectOption('clear');
    await until('corner 4 reaches the bridge', () => state().corners?.[3] === 'clear');
    await page.locator('#pad').focus();
    await page.keyboard.press('ArrowLeft');
    await until('an arrow key steps x by 0.01', () => Math.abs(state().x! - 0.74) < 0.02 && state().x! < 0.75);
    await page.locator('section.pad').screenshot({ path: join(SHOTS, 'xy-pad.png') });
    await page.screenshot({ path: join(SHOTS, 'monitor-pad.png'), fullPage: true });
  });

  test('on a 420 px wide phone the map labels still do not overlap', async () => {
    const tab = await context.newPage();
    try {
      await tab.setViewportSize({ width: 420, height: 900 });
      await tab.goto(bridge.run.web!.url);
      await tab.locator('#map[data-labels]').waitFor();
      const boxes: Box[] = JSON.parse((await tab.locator('#map').getAttribute('data-labels')) ?? '[]');
      assert.ok(boxes.length >= 8, `${boxes.length} labels`);
      assert.deepEqual(overlapping(boxes), []);
      await tab.screenshot({ path: join(SHOTS, 'monitor-420.png'), fullPage: true });
    } finally {
      await tab.close();
    }
  });
});
