// Bench: what a page that never reads costs eqmorph run in memory. The bridge (default mapping, web monitor on) is moved
// at 1 kHz throughout; a WebSocket client connects to the page socket, stops reading, and sends bad commands as fast
// as it can (each earns an error reply it never takes) on top of the state frames; then it is closed. Prints the
// bridge's resident set before, at its peak while the client hangs on, and after it is gone.
// Run: node --import tsx bench/web-memory.ts [STUCK_SECONDS]   (default 25: longer than the monitor's 10 s ping, twice)
// It starts eqmorph run as a user does (bin/eqmorph.js, from dist/: build it first with npm run build).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { PACKAGE_ROOT } from '../src/data/paths.js';
import { exited, freePort, lineFrom, pause, rssMb, startReceiver, TSX } from './latency.js';

const stuckSeconds = Number(process.argv[2] ?? 25);
const BEFORE_S = 3;
const AFTER_S = 5;
/** Bad commands the client sends per 10 ms tick (20,000 a second). */
const COMMANDS_PER_TICK = 200;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const dir = mkdtempSync(join(tmpdir(), 'eqmorph-web-memory-'));
try {
  const sink = await startReceiver(dir, false);
  const inPort = await freePort();
  const args = ['bin/eqmorph.js', 'run', '--osc-in', `127.0.0.1:${inPort}`, '--osc-out', `127.0.0.1:${sink.port}`, '--web', '127.0.0.1:0', '--stats'];
  const bridge = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  // What it prints: the monitor's address at start, then its counters on the --stats line every 5 s.
  let printed = '';
  let stats = '';
  bridge.stdout!.on('data', (d: Buffer) => {
    if (printed.length < 1 << 16) printed += String(d);
    const m = String(d).match(/stats: web: (.*)/);
    if (m) stats = m[1]!;
  });
  await lineFrom(bridge, /eqmorph: running/);
  const url = printed.match(/web monitor on (http:\S+)/)![1]!;
  // The rehearsal and the background tables go on for a while after the start.
  await pause(3000);
  const samples: { t: number; mb: number }[] = [];
  const t0 = performance.now();
  const sampler = setInterval(() => samples.push({ t: (performance.now() - t0) / 1000, mb: rssMb(bridge.pid!) }), 100);
  // Fader moves all along, so the monitor has state frames to send.
  const seconds = BEFORE_S + stuckSeconds + AFTER_S;
  const fader = spawn(process.execPath, [...TSX, 'bench/proc/sender.ts', String(inPort), '1', '1000', String(seconds * 1000), String(seconds * 1000), join(dir, 'tx.json')], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  await pause(BEFORE_S * 1000);
  const before = median(samples.map((s) => s.mb));

  const ws = new WebSocket(url.replace('http:', 'ws:') + 'ws');
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
  bridge.kill('SIGTERM');
  await exited(bridge);
  await sink.stop();
  console.log(
    `web monitor, a client that never reads, ${stuckSeconds} s, ${sentCommands} bad commands sent, fader at 1 kHz: eqmorph run RSS before ${before.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, after close ${after.toFixed(1)} MB; ` +
      `closed by ${closedBy}; monitor: ${stats}; load average ${loadavg()[0]!.toFixed(2)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
