// Bench process: `eqmorph run`'s own startRun with the default mapping, which on "stop" also reports its OSC output's
// counters (the most datagrams ever waiting in the socket), its input's and the CPU time it used since it said its port,
// which the real command does not print.
// Run: node --import tsx bench/proc/run-host.ts OUT_PORT   (prints "port N" once running and idle)
//
// It runs as `eqmorph run` does: with the heap settings of bin/eqmorph.js and the command's priority and
// realtime scheduling; and it
// says its port only once its start-up work is done. Without these, bench/flood.ts measured alpha alone at 1 kHz with
// p99 22-73 ms (load 3-9), where bench/latency.ts measures `eqmorph run` at about 1 ms.

import { createInterface } from 'node:readline';
import { useRealtimeHeapSettings } from '../../src/cli/heap-settings.js';
import type { OscUdpTransport } from '../../src/transports/osc-udp.js';

// Before the bridge's modules load, as bin/eqmorph.js sets them: V8 grows its young generation while they load and
// does not shrink it again. Set after static imports, this host ran the flood with 16 MB semi-spaces (a collection
// every ~14 MB allocated, 1.1-2.6 ms each: --trace-gc-nvp); set first, 2 MB (0.3-0.8 ms), near `eqmorph run`'s 1 MB.
useRealtimeHeapSettings();
const { DEFAULT_NICE, DEFAULT_REALTIME, raisePriority, raiseToRealtime } = await import('../../src/cli/priority.js');
const { DEFAULT_MAPPING, startRun } = await import('../../src/cli/run.js');
const priority = raisePriority(DEFAULT_NICE);
// EQMORPH_REALTIME as for `eqmorph run` (0: none), to compare.
await raiseToRealtime(process.env['EQMORPH_REALTIME'] === undefined ? DEFAULT_REALTIME : Number(process.env['EQMORPH_REALTIME']));
const outPort = Number(process.argv[2]);
const run = await startRun({ mapping: DEFAULT_MAPPING, oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port: outPort } }, () => undefined);
const input = [...run.oscInputs.values()][0] as OscUdpTransport;

/**
 * Waits until the process is idle: the rehearsal and the background tables (the pad's edges, the sound map) go on for
 * a second or more after startRun returns, and a measurement that overlapped them measured them.
 */
async function idle(cpuMsPer100Ms = 5, maxMs = 15_000): Promise<void> {
  const t0 = performance.now();
  let last = process.cpuUsage();
  while (performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 100));
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    if ((used.user + used.system) / 1000 < cpuMsPer100Ms) return;
  }
}
await idle();
const cpuAtStart = process.cpuUsage();
process.stdout.write(`port ${input.localAddress()!.port}\n`);
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line !== 'stop') return;
  const output = [...run.oscOutputs.values()][0] as OscUdpTransport;
  const bridge = run.bridge().counters();
  const cpu = process.cpuUsage(cpuAtStart);
  const report = { ...output.counters(), ...output.sendQueue(), received: input.counters().in, inputDropped: input.counters().dropped, events: bridge.events, rejected: bridge.rejected, superseded: bridge.superseded, nice: priority.nice, inputThread: input.readsOnThread() ? 1 : 0, lastAlpha: run.bridge().state().values().next().value?.alpha ?? NaN, cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
  process.stdout.write(`counters ${JSON.stringify(report)}\n`);
  await run.stop();
  process.exit(0);
});
