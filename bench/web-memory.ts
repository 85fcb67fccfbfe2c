// Bench: what a page that never reads costs eqmorph run in memory. The bridge (default mapping, web monitor on) is moved
// at 1 kHz throughout; a WebSocket client connects to the page socket, stops reading, and sends bad commands as fast
// as it can (each earns an error reply it never takes) on top of the state frames; then it is closed. Prints the
// bridge's resident set before, at its peak while the client hangs on, and after it is gone.
// Run: node --import tsx bench/web-memory.ts [STUCK_SECONDS]   (default 25: longer than the monitor's 10 s ping, twice)

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { PACKAGE_ROOT } from '../src/data/paths.js';
import { exited, pause, rssMb, startReceiver, startRunHost, TSX } from './latency.js';

const stuckSeconds = Number(process.argv[2] ?? 25);
const BEFORE_S = 3;
const AFTER_S = 5;
/** Bad commands the client sends per 10 ms tick (20,000 a second). */
const COMMANDS_PER_TICK = 200;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const dir = mkdtempSync(join(tmpdir(), 'eqmorph-web-memory-'));
try {
  const sink = await startReceiver(dir, false);
  const host = await startRunHost(sink.port, true);
  const samples: { t: number; mb: number }[] = [];
  const t0 = performance.now();
  const sampler = setInterval(() => samples.push({ t: (performance.now() - t0) / 1000, mb: rssMb(host.pid) }), 100);
  // Fader moves all along, so the monitor has state frames to send.
  const seconds = BEFORE_S + stuckSeconds + AFTER_S;
  const fader = spawn(process.execPath, [...TSX, 'bench/proc/sender.ts', String(host.port), '1', '1000', String(seconds * 1000), String(seconds * 1000), join(dir, 'tx.json')], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  await pause(BEFORE_S * 1000);
  const before = median(samples.map((s) => s.mb));

  const ws = new WebSocket(host.web!.replace('http:', 'ws:') + 'ws');
  await new Promise<void>((r, reject) => {
    ws.once('open', () => r());
    ws.once('error', reject);
  });
  // The client stops reading: what the server sends piles up in the kernel's buffers, then in the server's socket.
  ws.pause();
  const connectedAt = (performance.now() - t0) / 1000;
  let closedBy: string | null = null;
  ws.once('close', () => (closedBy ??= `the monitor, ${((performance.now() - t0) / 1000 - connectedAt).toFixed(1)} s after it connected`));
  let sentCommands = 0;
  const spam = setInterval(() => {
    if (ws.readyState !== WebSocket.OPEN) return;
    for (let i = 0; i < COMMANDS_PER_TICK; i++) ws.send('{"type":"nonsense"}');
    sentCommands += COMMANDS_PER_TICK;
  }, 10);
  await pause(stuckSeconds * 1000);
  clearInterval(spam);
  const stuck = samples.filter((s) => s.t >= connectedAt);
  const peak = Math.max(...stuck.map((s) => s.mb));
  if (ws.readyState !== WebSocket.CLOSED) {
    closedBy ??= 'the client, at the end';
    ws.terminate();
  }
  const closedAt = (performance.now() - t0) / 1000;
  await exited(fader);
  const after = median(samples.filter((s) => s.t >= closedAt + 2).map((s) => s.mb));
  clearInterval(sampler);
  await sink.stop();
  const report = (await host.stop()) as Record<string, number>;
  console.log(
    `web monitor, a client that never reads, ${stuckSeconds} s, ${sentCommands} bad commands sent, fader at 1 kHz: bridge RSS before ${before.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, after close ${after.toFixed(1)} MB; ` +
      `closed by ${closedBy}; sends skipped ${report['skipped']}, pages closed behind ${report['closedSlow']}, silent ${report['closedIdle']}; load average ${loadavg()[0]!.toFixed(2)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
