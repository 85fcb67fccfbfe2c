// Draws the README's picture of the web monitor: runs `eqmorph run` with the default mapping, moves it over OSC to a
// blend worth looking at, and takes a screenshot of its page in headless Chromium.
//
//   node scripts/screenshot.mjs [--out docs/images/web-monitor.png] [--width 1280] [--height 560]
//
// Needs dist/ (npm ci or npm run build) and Chromium at /usr/bin/chromium (CHROMIUM=... to use another).
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { encodeOscMessage } from '../dist/transports/osc-packet.js';

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'docs/images/web-monitor.png' }, width: { type: 'string', default: '1280' }, height: { type: 'string', default: '560' } },
});
const root = new URL('..', import.meta.url);

async function freePort() {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const sink = dgram.createSocket('udp4');
await new Promise((r) => sink.bind(0, '127.0.0.1', r));
const inPort = await freePort();
const run = spawn(process.execPath, ['bin/eqmorph.js', 'run', '--web', '127.0.0.1:0', '--rehearse', '0', '--osc-in', `127.0.0.1:${inPort}`, '--osc-out', `127.0.0.1:${sink.address().port}`], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  run.stdout.on('data', (d) => {
    out += d;
    const m = /web monitor on (http:\/\/\S+)/.exec(out);
    if (m && out.includes('eqmorph: running')) resolve(m[1]);
  });
  run.on('exit', (code) => reject(new Error(`eqmorph run exited with ${code}:\n${out}`)));
});

const tx = dgram.createSocket('udp4');
const send = (address, args, types) => new Promise((r) => tx.send(encodeOscMessage(address, args, types), inPort, '127.0.0.1', r));
const profile = mkdtempSync(join(tmpdir(), 'eqmorph-shot-'));
try {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: Number(values.width), height: Number(values.height) },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.locator('#link[data-state="open"]').waitFor();
  for (let i = 1; i <= 15; i++) {
    await send('/eqmorph/alpha', [i * 0.05], 'f');
    await new Promise((r) => setTimeout(r, 60));
  }
  await page.waitForFunction(() => Math.abs(Number(document.querySelector('#curve')?.dataset.alpha) - 0.75) < 1e-3);
  await new Promise((r) => setTimeout(r, 300));
  mkdirSync(dirname(values.out), { recursive: true });
  await page.screenshot({ path: values.out, fullPage: false });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  console.log(`wrote ${values.out} (${values.width}x${values.height}; horizontal overflow ${overflow} px)`);
  await context.close();
} finally {
  run.kill('SIGTERM');
  tx.close();
  sink.close();
  rmSync(profile, { recursive: true, force: true });
}
