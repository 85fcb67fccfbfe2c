// Benchmark: a whole desk's channels on a fitted layout (X32 input channels, 4 bands): start-up, table builds, and a fader's latency meanwhile.

import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, PACKAGE_ROOT } from '../src/data/paths.js';
import { encodeOscMessage } from '../src/transports/osc-packet.js';
import { sideLatenciesMs, summarise, type LatencySummary } from './frames.js';
import { exited, freePort, lineFrom, ORDINARY, pause, rssMb, schedulingLabel, schedulingOf, setSchedulingOf, startEcho, startReceiver, type Receiver, type Scheduling } from './latency.js';

const TARGET = join(PACKAGE_ROOT, 'firmware-profiles', 'targets', 'behringer-x32-channel.yaml');
/** The moved channel's fader rate: slow enough that a frame late by a whole build slice is still told apart from the next. */
const FADER_HZ = 100;
/** Fader positions the moved channel alternates between (see sideLatenciesMs). */
const LOW = 0.1;
const HIGH = 0.9;
/** Channels that change pairs at once, as a scene recall does. */
const SWITCHED = 16;
/** The wire parameter that tells the two positions apart: the moved channel's high shelf gain (warm -> bright). */
const WATCHED = '/ch/01/eq/4/g';

/** The default vocabulary, in the model's order (what `eqmorph terms` lists), without loading TensorFlow.js. */
function vocabulary(): string[] {
  const terms = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'terms.json'), 'utf8')) as Record<string, { hidden?: boolean }>;
  return Object.entries(terms)
    .filter(([, t]) => !t.hidden)
    .map(([term]) => term);
}

/** Pair number k of a list of distinct ordered pairs over `terms`: (0,1), (2,3), ..., then further apart. */
function pairAt(terms: readonly string[], k: number): [string, string] {
  const n = terms.length;
  const a = (2 * k) % n;
  const b = (a + 1 + Math.floor((2 * k) / n)) % n;
  return [terms[a]!, terms[b === a ? (b + 1) % n : b]!];
}

/**
 * A mapping of `n` X32 channels, each on its own term pair with its own alpha control; channel 1 is warm -> bright (the
 * moved one); one "scene" button recalls a new pair on channels 2..17.
 */
export function writeDeskMapping(dir: string, n: number, terms: readonly string[]): string {
  const controls = Array.from({ length: n }, (_, i) => `  a${i + 1}: { osc: { address: '/desk/${i + 1}/alpha', type: f, min: 0, max: 1 } }`);
  writeFileSync(join(dir, 'desk-surface.yaml'), ['version: 1', 'kind: controller', 'name: desk surface', 'transport: osc', 'controls:', ...controls, "  scene: { osc: { address: '/desk/scene', type: f, min: 0, max: 1 } }"].join('\n') + '\n');
  const instances = Array.from({ length: n }, (_, i) => {
    const [a, b] = i === 0 ? ['warm', 'bright'] : pairAt(terms, i + 1);
    const [sa, sb] = pairAt(terms, n + 2 + i);
    const scene = i >= 1 && i <= SWITCHED ? `, { source: surface.scene, target: preset, value: { term_a: ${sa}, term_b: ${sb} } }` : '';
    return [
      `  - name: ch${i + 1}`,
      '    output: desk',
      `    index: ${i + 1}`,
      `    initial: { term_a: ${a}, term_b: ${b}, alpha: 0, strength: 1, bypass: false }`,
      `    bindings: [{ source: surface.a${i + 1}, target: alpha, takeover: jump }${scene}]`,
    ].join('\n');
  });
  const file = join(dir, `desk-${n}.yaml`);
  writeFileSync(
    file,
    ['version: 1', 'kind: mapping', `name: desk, ${n} fitted channels`, 'inputs:', '  surface: { profile: desk-surface.yaml, osc: { listen: 127.0.0.1:9000 } }', 'outputs:', `  desk: { profile: ${TARGET}, osc: { send: 127.0.0.1:10023 } }`, 'instances:', ...instances, 'on_exit: hold'].join('\n') + '\n',
  );
  return file;
}

/**
 * A fader on one OSC address, alternating between two positions at `hz` (LOW and HIGH at FADER_HZ by default; an XY
 * pad's two points are two floats each), each send stamped (CLOCK_MONOTONIC ns). `high` says which position each was.
 */
export function startFader(port: number, address: string, positions: readonly [readonly number[], readonly number[]] = [[LOW], [HIGH]], hz = FADER_HZ) {
  const socket = dgram.createSocket('udp4');
  const sent: number[] = [];
  const high: boolean[] = [];
  const packets = positions.map((v) => Buffer.from(encodeOscMessage(address, [...v], 'f'.repeat(v.length))));
  let k = 0;
  const timer = setInterval(() => {
    const side = k++ % 2;
    sent.push(Number(process.hrtime.bigint()));
    high.push(side === 1);
    socket.send(packets[side]!, port, '127.0.0.1');
  }, 1000 / hz);
  return {
    /** Events sent so far (a phase of the run starts at this count). */
    count: () => sent.length,
    press: (addr: string) => socket.send(Buffer.from(encodeOscMessage(addr, [1], 'f')), port, '127.0.0.1'),
    stop: () => {
      clearInterval(timer);
      socket.close();
      return { sent, high };
    },
  };
}

/** Latency of the events from..to-1 of a fader run, matched on the watched address. */
function phase(run: { sent: number[]; high: boolean[] }, lat: (number | null)[], from: number, to: number): LatencySummary {
  return summarise(lat.slice(from, to));
}

/**
 * The side threshold is halfway between the two values the watched address takes most often (the encodings of LOW and
 * HIGH, which alternate thousands of times), not between its extremes: the start snapshot (α 0) and the interim answers
 * while a table builds are further out, and a threshold between extremes could put LOW and HIGH on one side.
 */
export function latencies(run: { sent: number[]; high: boolean[] }, arrivals: { address: string; value: number; t: number }[], address: string) {
  const watched = arrivals.filter((a) => a.address === address);
  const counts = new Map<number, number>();
  for (const a of watched) counts.set(a.value, (counts.get(a.value) ?? 0) + 1);
  const [first, second] = [...counts.entries()].sort((x, y) => y[1] - x[1]).map(([v]) => v);
  const threshold = first !== undefined && second !== undefined ? (first + second) / 2 : 0.5;
  return sideLatenciesMs(run.sent, run.high, watched, threshold);
}

/** `eqmorph run` on a mapping, with its cache in `cacheHome`; times from spawn to its "running" and "all tables ready" lines. */
async function startDesk(mapping: string, outPort: number, cacheHome: string, extra: readonly string[]) {
  const port = await freePort();
  const t0 = performance.now();
  const args = ['bin/eqmorph.js', 'run', '--mapping', mapping, '--osc-in', `127.0.0.1:${port}`, '--osc-out', `127.0.0.1:${outPort}`, '--no-web', ...extra];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  const running = lineFrom(child, /eqmorph: running/, 60000).then(() => performance.now() - t0);
  const ready = lineFrom(child, /eqmorph: all tables ready/, 180000).then(() => performance.now() - t0);
  const cacheLine = lineFrom(child, /eqmorph: (\d+) of \d+ fitted tables read from the cache/, 60000).then((m) => Number(m[1]));
  // Unhandled until awaited: a start that fails rejects all three.
  for (const p of [running, ready, cacheLine]) p.catch(() => undefined);
  return {
    port,
    pid: child.pid!,
    running,
    ready,
    cacheLine,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

export interface DeskOptions {
  readonly sizes: readonly number[];
  /** Seconds of fader moves after the tables are ready, and after the scene recall. */
  readonly afterSeconds: number;
  readonly switchSeconds: number;
  /** Extra flags for `eqmorph run` (e.g. --fit-workers 0). */
  readonly runFlags?: readonly string[];
  readonly log?: (line: string) => void;
}

export interface DeskResult {
  readonly instances: number;
  readonly runningMs: number;
  readonly readyColdMs: number;
  readonly readyWarmMs: number;
  readonly runningWarmMs: number;
  readonly fromCacheWarm: number;
  readonly during: LatencySummary;
  readonly after: LatencySummary;
  readonly switching: LatencySummary;
  readonly rssMaxMb: number;
  readonly rssEndMb: number;
  /** The scheduling `eqmorph run` gave itself, which the floor is then measured at. */
  readonly scheduling: Scheduling;
}

/** The bare UDP echo under the same fader, at eqmorph's scheduling: the floor this machine puts under any latency right now. */
export async function echoFloor(dir: string, seconds: number, scheduling: Scheduling, hz = FADER_HZ): Promise<LatencySummary> {
  const rx = await startReceiver(dir, true);
  const echo = await startEcho(rx.port);
  for (const pid of [echo.pid, rx.pid]) setSchedulingOf(pid, scheduling);
  await pause(200);
  const fader = startFader(echo.port, '/eqmorph/alpha', [[LOW], [HIGH]], hz);
  await pause(seconds * 1000);
  const run = fader.stop();
  await pause(200);
  const arrivals = await rx.stop();
  await echo.stop();
  const lat = latencies(run, arrivals, '/eqmorph/band/5/q');
  return phase(run, lat, Math.round(0.1 * run.sent.length), run.sent.length);
}

async function oneDesk(dir: string, n: number, opts: DeskOptions): Promise<DeskResult> {
  const log = opts.log ?? (() => undefined);
  const mapping = writeDeskMapping(dir, n, vocabulary());
  const cacheHome = mkdtempSync(join(dir, 'cache-'));
  const flags = opts.runFlags ?? [];

  log(`desk: ${n} fitted channels, cold cache: fader on channel 1 at ${FADER_HZ} Hz from "running" on`);
  const rx: Receiver = await startReceiver(dir, true);
  const desk = await startDesk(mapping, rx.port, cacheHome, flags);
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssMb(desk.pid)), 250);
  const runningMs = await desk.running;
  const scheduling = schedulingOf(desk.pid);
  // The receiver stands for the desk, another machine: at the bridge's scheduling, so that the bridge's own threads (a
  // fit worker at its nice + 5, V8's compiler threads) do not delay the stamping of what arrives. The floor's receiver
  // runs at the same (echoFloor).
  setSchedulingOf(rx.pid, scheduling);
  const fader = startFader(desk.port, '/desk/1/alpha');
  const readyColdMs = await desk.ready;
  const readyAt = fader.count();
  await pause(opts.afterSeconds * 1000);
  const switchAt = fader.count();
  fader.press('/desk/scene');
  await pause(opts.switchSeconds * 1000);
  const run = fader.stop();
  clearInterval(sampler);
  await pause(300);
  const arrivals = await rx.stop();
  await desk.stop();
  const lat = latencies(run, arrivals, WATCHED);

  log(`desk: ${n} fitted channels, warm cache`);
  const rx2 = await startReceiver(dir, false);
  const warm = await startDesk(mapping, rx2.port, cacheHome, flags);
  const runningWarmMs = await warm.running;
  const readyWarmMs = await warm.ready;
  const fromCacheWarm = await warm.cacheLine;
  await warm.stop();
  await rx2.stop();
  rmSync(cacheHome, { recursive: true, force: true });

  const third = Math.max(1, Math.floor(rss.length / 3));
  return {
    instances: n,
    runningMs,
    readyColdMs,
    runningWarmMs,
    readyWarmMs,
    fromCacheWarm,
    during: phase(run, lat, 0, readyAt),
    after: phase(run, lat, readyAt, switchAt),
    switching: phase(run, lat, switchAt, run.sent.length),
    rssMaxMb: Math.max(...rss),
    rssEndMb: rss.slice(-third).sort((a, b) => a - b)[Math.floor(third / 2)]!,
    scheduling,
  };
}

export async function benchDesk(opts: DeskOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-desk-'));
  const load = [loadavg()[0]!];
  try {
    const desks: DeskResult[] = [];
    for (const n of opts.sizes) {
      desks.push(await oneDesk(dir, n, opts));
      load.push(loadavg()[0]!);
    }
    // After the desks, at the priority eqmorph took (it raises its own where allowed).
    opts.log?.('desk: the bare UDP echo under the same fader (the floor)');
    const scheduling = desks.at(-1)?.scheduling ?? ORDINARY;
    const floor = await echoFloor(dir, 3, scheduling);
    const floorAfter = await echoFloor(dir, 3, scheduling);
    load.push(loadavg()[0]!);
    return { floor, floorAfter, desks, loadAverages: load, runFlags: opts.runFlags ?? [], scheduling };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The result as rows of a table: measure, result, target, verdict. */
export function deskRows(r: Awaited<ReturnType<typeof benchDesk>>): [string, string, string, string][] {
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
  const floorP99 = Math.max(r.floor.p99Ms, r.floorAfter.p99Ms);
  const lat = (s: LatencySummary) => `${f(s.p50Ms)} / ${f(s.p99Ms)} / ${f(s.maxMs, 1)} ms (${s.frames} moves${s.unmatched ? `, ${s.unmatched} never answered` : ''})`;
  const rows: [string, string, string, string][] = [['desk floor: bare echo at 100 Hz, p50 / p99 / max (two runs)', `${lat(r.floor)}; ${lat(r.floorAfter)}`, '', '']];
  for (const d of r.desks) {
    const n = d.instances;
    rows.push(
      [`desk ${n}: start -> running (cold | warm cache)`, `${f(d.runningMs, 0)} | ${f(d.runningWarmMs, 0)} ms`, '<= 1500 ms', ok(d.runningMs <= 1500 && d.runningWarmMs <= 1500)],
      [`desk ${n}: start -> every table ready, cold cache`, `${f(d.readyColdMs / 1000, 1)} s`, n >= 64 ? '<= 15 s' : '', n >= 64 ? ok(d.readyColdMs <= 15000) : ''],
      [`desk ${n}: start -> every table ready, warm cache (${d.fromCacheWarm} of ${n} from the cache)`, `${f(d.readyWarmMs / 1000, 2)} s`, n >= 64 ? '<= 2 s' : '', n >= 64 ? ok(d.readyWarmMs <= 2000) : ''],
      [`desk ${n}: fader -> wire during the build, p50 / p99 / max`, lat(d.during), `p99 <= 2x floor (${f(2 * floorP99)} ms)`, ok(d.during.p99Ms <= 2 * floorP99)],
      [`desk ${n}: fader -> wire after the build`, lat(d.after), `p99 <= 2x floor`, ok(d.after.p99Ms <= 2 * floorP99)],
      [`desk ${n}: fader -> wire while ${SWITCHED} channels switch pairs`, lat(d.switching), `p99 <= 2x floor`, ok(d.switching.p99Ms <= 2 * floorP99)],
      [`desk ${n}: RSS peak / last third`, `${f(d.rssMaxMb, 0)} / ${f(d.rssEndMb, 0)} MB`, '< 150 MB', ok(d.rssMaxMb < 150)],
    );
  }
  return rows;
}

const USAGE = 'usage: node --import tsx bench/desk.ts [--quick] [--json] [--fit-workers=N]   (--quick: 32 channels only, shorter runs)\n';

if (import.meta.url === `file://${resolve(process.argv[1]!)}`) {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const unknown = args.find((a) => a !== '--quick' && a !== '--json' && !/^--fit-workers=\d+$/.test(a));
  if (unknown !== undefined) {
    process.stderr.write(`bench/desk.ts: unknown option ${JSON.stringify(unknown)}\n${USAGE}`);
    process.exit(2);
  }
  const quick = process.argv.includes('--quick');
  const workers = process.argv.find((a) => a.startsWith('--fit-workers='));
  const r = await benchDesk({
    sizes: quick ? [32] : [32, 64],
    afterSeconds: quick ? 2 : 4,
    switchSeconds: quick ? 3 : 6,
    runFlags: workers ? ['--fit-workers', workers.split('=')[1]!] : [],
    log: (l) => process.stderr.write(l + '\n'),
  });
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else {
    const rows = deskRows(r);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
    process.stdout.write(`load average (1 min) ${r.loadAverages.map((x) => x.toFixed(1)).join(' -> ')} on ${availableParallelism()} cores; eqmorph run ${r.runFlags.join(' ')} at ${schedulingLabel(r.scheduling)} (the echo too)\n`);
    for (const row of rows) process.stdout.write(row.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ') + '\n');
  }
}
