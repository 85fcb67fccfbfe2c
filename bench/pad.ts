// Benchmark: an XY pad's fader-to-wire latency beside a fader's, on the default mapping, and the bare echo's (the floor).
// Run alone: node --import tsx bench/pad.ts

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAPPING } from '../src/cli/run.js';
import { echoFloor, latencies, startFader } from './desk.js';
import { summarise, type LatencySummary } from './frames.js';
import { pause, schedulingOf, setSchedulingOf, startEqmorph, startReceiver } from './latency.js';

/** Moves per second: each answer is told from the next by which side of the watched value it is on. */
const HZ = 200;
/** The watched output: band 5's gain moves between warm and bright, and between the pad's two points. */
const WATCHED = '/eqmorph/band/5/gain';
/** How long the bridge is left to finish its start-up work before the first move. */
const START_UP_MS = 5000;
/** The share of each phase not counted: the first pad message switches the instance into XY mode, the first alpha back. */
const SETTLE = 0.1;

export interface PadResult {
  readonly alpha: LatencySummary;
  readonly xy: LatencySummary;
  readonly floor: LatencySummary;
  /** p99 over the floor's p99, for the fader and for the pad. */
  readonly alphaRatio: number;
  readonly xyRatio: number;
  readonly load: readonly number[];
}

/**
 * One `eqmorph run` on the default mapping; a fader (/eqmorph/alpha, 0.1 <-> 0.9) and a pad (/eqmorph/xy, (0.1, 0.1)
 * <-> (0.9, 0.9)) take turns, `rounds` times each, so both see the same load; then the bare echo under the same fader
 * at eqmorph's priority.
 */
export async function benchPad(opts: { seconds: number; rounds?: number; log?: (line: string) => void }): Promise<PadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-pad-'));
  const load = [loadavg()[0]!];
  try {
    opts.log?.(`pad: fader and XY pad in turns at ${HZ} Hz on the default mapping, ${opts.seconds} s each`);
    const rx = await startReceiver(dir, true);
    const bridge = await startEqmorph(DEFAULT_MAPPING, rx.port);
    const scheduling = schedulingOf(bridge.pid);
    // The receiver stands for the device: at the bridge's scheduling, as the floor's (echoFloor) runs.
    setSchedulingOf(rx.pid, scheduling);
    // Its start-up work (the rehearsal, the pad's edge tables, the sound map's grid) runs in slices for a few seconds
    // after "running"; both kinds of move are timed after it, as in a show.
    await pause(START_UP_MS);
    const phases: { kind: 'alpha' | 'xy'; run: { sent: number[]; high: boolean[] }; from: number; to: number }[] = [];
    const rounds = opts.rounds ?? 2;
    for (let r = 0; r < rounds; r++) {
      for (const kind of ['alpha', 'xy'] as const) {
        const from = Number(process.hrtime.bigint());
        const fader = kind === 'alpha' ? startFader(bridge.port, '/eqmorph/alpha', [[0.1], [0.9]], HZ) : startFader(bridge.port, '/eqmorph/xy', [[0.1, 0.1], [0.9, 0.9]], HZ);
        await pause((opts.seconds * 1000) / rounds);
        const run = fader.stop();
        await pause(100);
        phases.push({ kind, run, from, to: Number(process.hrtime.bigint()) });
      }
    }
    const arrivals = await rx.stop();
    await bridge.stop();
    const of = (kind: 'alpha' | 'xy') =>
      summarise(
        phases
          .filter((p) => p.kind === kind)
          .flatMap((p) => latencies(p.run, arrivals.filter((a) => a.t >= p.from && a.t < p.to), WATCHED).slice(Math.round(SETTLE * p.run.sent.length))),
      );
    const alpha = of('alpha');
    const xy = of('xy');
    opts.log?.('pad: the bare UDP echo under the same fader (the floor)');
    const floor = await echoFloor(dir, opts.seconds, scheduling, HZ);
    load.push(loadavg()[0]!);
    return { alpha, xy, floor, alphaRatio: alpha.p99Ms / floor.p99Ms, xyRatio: xy.p99Ms / floor.p99Ms, load };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchPad({ seconds: 6, log: (l) => process.stderr.write(`${l}\n`) });
  const f = (s: LatencySummary) => `p50 ${s.p50Ms.toFixed(2)} / p99 ${s.p99Ms.toFixed(2)} / max ${s.maxMs.toFixed(1)} ms (${s.frames} moves)`;
  process.stdout.write(
    [
      `fader (/eqmorph/alpha): ${f(r.alpha)}; p99 / floor ${r.alphaRatio.toFixed(2)}x`,
      `XY pad (/eqmorph/xy):   ${f(r.xy)}; p99 / floor ${r.xyRatio.toFixed(2)}x`,
      `floor (bare echo):      ${f(r.floor)}`,
      `load average ${r.load.map((x) => x.toFixed(1)).join(' -> ')}`,
    ].join('\n') + '\n',
  );
}
