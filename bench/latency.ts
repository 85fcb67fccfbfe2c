// Benchmark: fader-to-wire latency, burst settling and memory of `eqmorph run`, each a separate process talking real UDP on 127.0.0.1.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { realtimePriorityIn } from '../src/system/scheduling.js';
import { DEFAULT_MODEL_DIR, PACKAGE_ROOT } from '../src/data/paths.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import { morphBands } from '../src/morph/morph-state.js';
import { encodeTargetFrame, unsent, type WireMessage } from '../src/pipeline/encode-target.js';
import { loadMapping } from '../src/profiles/load.js';
import type { Mapping } from '../src/profiles/types.js';
import { alphaAddress, alphaAt, ECHO_ADDRESSES, eventsOf, latenciesMs, matchFrames, settledAt, summarise, type Arrival, type FrameEnd } from './frames.js';

const DEFAULT_MAPPING = join(PACKAGE_ROOT, 'mappings', 'default.yaml');
/** Seconds per block when eqmorph and the floor take turns. */
const BLOCK_S = 1;
export const TSX = ['--import', 'tsx'];

/** A UDP port free right now on 127.0.0.1 (bound and released): `eqmorph run` needs a number for --osc-in. */
export async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Resolves with the first stdout line of `child` that matches `re`; rejects if the child exits first or after `ms`. */
export function lineFrom(child: ChildProcess, re: RegExp, ms = 30000): Promise<RegExpMatchArray> {
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`no line matching ${re} within ${ms} ms`)), ms);
    const onExit = (code: number | null) => fail(new Error(`process exited (${code}) before printing a line matching ${re}`));
    const fail = (err: Error) => {
      clearTimeout(timer);
      lines.close();
      child.off('exit', onExit);
      reject(err);
    };
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const m = line.match(re);
      if (!m) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      // Closing readline pauses the stream; keep draining it, or a chatty child would block on a full pipe.
      child.stdout!.resume();
      resolveLine(m);
    });
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Receiver {
  readonly port: number;
  readonly pid: number;
  /** Stops receiving and returns what arrived (empty in count-only mode). */
  stop(): Promise<Arrival[]>;
}

/** Starts bench/proc/`script` with `args` and waits for the "port N" line it prints once its socket is bound. */
async function startProc(script: string, args: readonly string[], stdin: 'pipe' | 'ignore'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...TSX, `bench/proc/${script}`, ...args], { cwd: PACKAGE_ROOT, stdio: [stdin, 'pipe', 'inherit'] });
  // A run host says its port only once its start-up work is over (up to 15 s more on a busy machine).
  return { child, port: Number((await lineFrom(child, /^port (\d+)$/, 60_000))[1]) };
}

export async function startReceiver(dir: string, record: boolean): Promise<Receiver> {
  const file = record ? join(dir, `rx-${Date.now()}.json`) : '-';
  const { child, port } = await startProc('receiver.ts', [file], 'pipe');
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      const done = lineFrom(child, /^done \d+$/);
      child.stdin!.write('stop\n');
      await done;
      await exited(child);
      return record ? (JSON.parse(readFileSync(file, 'utf8')) as { arrivals: Arrival[] }).arrivals : [];
    },
  };
}

/**
 * Sends `events` alpha messages at `rate` Hz round-robin over `instances` alpha addresses, to `ports` in turn `block`
 * events at a time; resolves with each send time (ns).
 */
async function runSender(dir: string, ports: readonly number[], instances: number, rate: number, events: number, block = events): Promise<number[]> {
  const file = join(dir, `tx-${Date.now()}.json`);
  const args = [ports.join(','), instances, rate, events, block, file].map(String);
  const child = spawn(process.execPath, [...TSX, 'bench/proc/sender.ts', ...args], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await exited(child);
  if (child.exitCode !== 0) throw new Error(`the sender process failed (exit ${child.exitCode})`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { sent: number[] }).sent;
}

export interface Target {
  readonly port: number;
  readonly pid: number;
  /** Stops the target; what it reports on the way out, if anything. */
  stop(): Promise<Record<string, number> | void>;
}

/** `eqmorph run` as a user starts it, its input on a free port and its output aimed at the receiver. */
export async function startEqmorph(mappingFile: string, outPort: number): Promise<Target> {
  const port = await freePort();
  const args = ['bin/eqmorph.js', 'run', '--mapping', mappingFile, '--osc-in', `127.0.0.1:${port}`, '--osc-out', `127.0.0.1:${outPort}`, '--no-web'];
  const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await lineFrom(child, /eqmorph: running/);
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** startRun in a bench process that reports its output's counters when stopped (for the burst's queue). */
export async function startRunHost(outPort: number): Promise<Target> {
  const { child, port } = await startProc('run-host.ts', [String(outPort)], 'pipe');
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      const counters = lineFrom(child, /^counters (.*)$/);
      child.stdin!.write('stop\n');
      const m = await counters;
      await exited(child);
      return JSON.parse(m[1]!) as Record<string, number>;
    },
  };
}

/** The bare echo: one message in, 15 datagrams out, no pipeline. */
export async function startEcho(outPort: number): Promise<Target> {
  const { child, port } = await startProc('echo.ts', [String(outPort)], 'ignore');
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/**
 * What the bridge sends for each input event, from the same decoder, encoder and de-duplication rule it uses (the
 * tfjs model's pair tables are deterministic, so both processes compute the same values): per event, the last OSC
 * message the frame changes (its end), and after the last event every address's final value.
 */
export function expectedBridgeOutput(mapping: Mapping, decoder: CachedDecoder, alphas: readonly number[]): { ends: (FrameEnd | null)[]; finals: Map<string, number> } {
  const n = mapping.instances.length;
  const lastSent = mapping.instances.map(() => new Map<string, WireMessage>());
  const frameOf = (i: number, alpha: number) => {
    const inst = mapping.instances[i]!;
    return encodeTargetFrame(mapping.outputs.get(inst.output)!.profile, inst.index, inst.name, morphBands({ ...inst.initial, alpha }, decoder));
  };
  const remember = (i: number, msgs: readonly WireMessage[]) => msgs.forEach((m) => lastSent[i]!.set(m.key, m));
  // The start snapshot.
  mapping.instances.forEach((inst, i) => remember(i, frameOf(i, inst.initial.alpha)));
  // Event j of this target drives instance j mod n, as the sender addresses them.
  const ends = alphas.map((alpha, j): FrameEnd | null => {
    const i = j % n;
    const fresh = unsent(frameOf(i, alpha), lastSent[i]!);
    remember(i, fresh);
    const last = fresh.at(-1);
    return last && last.transport === 'osc' && typeof last.value === 'number' ? { address: last.address, value: last.value } : null;
  });
  const finals = new Map<string, number>();
  for (const sent of lastSent) for (const m of sent.values()) if (m.transport === 'osc' && typeof m.value === 'number') finals.set(m.address, m.value);
  return { ends, finals };
}

/** The echo's frames end with band 5's Q carrying the alpha it received. */
function expectedEchoEnds(alphas: readonly number[]): FrameEnd[] {
  return alphas.map((value) => ({ address: ECHO_ADDRESSES.at(-1)!, value }));
}

/** Writes a mapping with `n` instances on one OSC output (`{instance}` in its addresses), each with its own alpha control and term pair. */
export function writeManyInstanceMapping(dir: string, n: number, terms: readonly string[]): string {
  const controls = Array.from({ length: n }, (_, i) => `  a${i + 1}: { osc: { address: '${alphaAddress(i, n)}', type: f, min: 0, max: 1 } }`);
  writeFileSync(join(dir, 'controller.yaml'), ['version: 1', 'kind: controller', 'name: bench surface', 'transport: osc', 'controls:', ...controls].join('\n') + '\n');
  const param = (p: string) => `  ${p}: { osc: { address: '/eqmorph/{instance}/band/{band}/${p}', type: f }, scaling: { kind: physical } }`;
  writeFileSync(
    join(dir, 'target.yaml'),
    ['version: 1', 'kind: target', 'name: bench target', 'transport: osc', 'bands: [lowshelf, peaking, peaking, peaking, highshelf]', 'parameters:', param('gain'), param('freq'), param('q')].join('\n') + '\n',
  );
  const instances = Array.from({ length: n }, (_, i) => {
    const a = terms[i % terms.length]!;
    const b = terms[(i + 1) % terms.length]!;
    return [
      `  - name: i${i + 1}`,
      '    output: eq',
      `    index: ${i + 1}`,
      `    initial: { term_a: ${a}, term_b: ${b}, alpha: 0, strength: 1, bypass: false }`,
      `    bindings: [{ source: surface.a${i + 1}, target: alpha, takeover: jump }]`,
    ].join('\n');
  });
  const file = join(dir, 'mapping.yaml');
  writeFileSync(
    file,
    [
      'version: 1',
      'kind: mapping',
      `name: bench, ${n} instances`,
      'inputs:',
      '  surface: { profile: controller.yaml, osc: { listen: 127.0.0.1:9000 } }',
      'outputs:',
      '  eq: { profile: target.yaml, osc: { send: 127.0.0.1:9001 } }',
      'instances:',
      ...instances,
      'on_exit: hold',
    ].join('\n') + '\n',
  );
  return file;
}

/** The first `warmup` frames are not counted: the target's JIT compiles its hot path on them. */
export function latencyRun(sent: readonly number[], ends: readonly (FrameEnd | null)[], arrivals: readonly Arrival[], warmup: number) {
  const arrived = matchFrames(ends, arrivals);
  const lat = latenciesMs(sent, arrived);
  // Frames sent on their own, not superseded by a newer one read in the same turn.
  const own = arrived.slice(warmup).filter((a) => a !== null).length;
  return { ...summarise(lat.slice(warmup)), ownFrames: own };
}

export interface LatencyOptions {
  readonly seconds: number;
  readonly memorySeconds: number;
  readonly log?: (line: string) => void;
}

/** How a process's main thread is scheduled: its nice value, and its round-robin priority (0: an ordinary thread). */
export interface Scheduling {
  readonly nice: number;
  readonly realtime: number;
}

export const ORDINARY: Scheduling = { nice: 0, realtime: 0 };

/** From Linux's /proc/PID/stat: nice (field 19) and the realtime priority (as eqmorph reads it); ordinary where unreadable. */
export function schedulingOf(pid: number): Scheduling {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) || 0;
    return { nice, realtime: realtimePriorityIn(stat) };
  } catch {
    return ORDINARY;
  }
}

/**
 * Gives every thread of process `pid` that scheduling, as eqmorph gives its own (Linux keeps it per thread): the
 * bench's echo, senders and receivers are instruments, at the bridge's priority so that they are not what waits.
 */
export function setSchedulingOf(pid: number, s: Scheduling): void {
  if (s.nice !== 0) for (const tid of readdirSync(`/proc/${pid}/task`)) setPriority(Number(tid), s.nice);
  if (s.realtime > 0) execFileSync('chrt', ['--all-tasks', '--rr', '--pid', String(s.realtime), String(pid)]);
}

export function schedulingLabel(s: Scheduling): string {
  return s.realtime > 0 ? `realtime priority ${s.realtime} (round-robin), nice ${s.nice}` : `nice ${s.nice}`;
}

export function rssMb(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function benchLatency(opts: LatencyOptions) {
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-bench-'));
  await initBackend();
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  const decoder = new CachedDecoder(model);
  const rate = 1000;
  const events = Math.round(opts.seconds * rate);
  const warmup = Math.round(0.25 * rate);
  try {
    /**
     * One run: a receiver per target, the targets, one sender sending to them in turn `block` events at a time; returns
     * per target the events it got (their numbers k), when each was sent, what its receiver saw and what it reported.
     */
    let bridgeScheduling = ORDINARY;
    const run = async (starts: ((outPort: number) => Promise<Target>)[], instances: number, r: number, n: number, block = n) => {
      const rxs = await Promise.all(starts.map(() => startReceiver(dir, true)));
      // In order: a later target may take a setting from an earlier one (the echo runs at eqmorph's priority).
      const targets: Target[] = [];
      for (const [t, start] of starts.entries()) targets.push(await start(rxs[t]!.port));
      // The receivers stand for the device, another machine: at the bridge's scheduling, as bench/desk.ts runs its
      // receiver. An ordinary receiver waited behind a realtime bridge's threads (a woken ordinary thread cannot
      // preempt a realtime one): p99 5.06-5.24 ms in three full benches, where the bridge at nice -10 had 2.86-3.49.
      for (const rx of rxs) setSchedulingOf(rx.pid, bridgeScheduling);
      await pause(200);
      const sent = await runSender(dir, targets.map((t) => t.port), instances, r, n, block);
      await pause(300);
      return Promise.all(
        targets.map(async (target, t) => {
          const ks = eventsOf(t, targets.length, n, block);
          const arrivals = await rxs[t]!.stop();
          const report = await target.stop();
          return { ks, alphas: ks.map(alphaAt), sent: ks.map((k) => sent[k]!), arrivals, report };
        }),
      );
    };

    const mapping = await loadMapping(DEFAULT_MAPPING);
    for (const inst of mapping.instances) decoder.prepare(inst.initial.termA, inst.initial.termB);
    // eqmorph and the floor in alternating blocks of BLOCK_S, so both see the same load; only each target's first
    // `warmup` frames are not counted. Blocks of 250 ms put a target to sleep 20 times a run, and the first frames
    // after each wake-up were slow for both (the echo's p99 was 0.45-0.67 ms alone and 1.2 ms in 250 ms blocks within the same hour); 1 s blocks
    // keep the wake-ups under 1 % of the frames. The echo runs at the scheduling eqmorph gave itself (--nice, --realtime).
    log(`latency: eqmorph run (default mapping) and the bare UDP echo, alternating every ${BLOCK_S} s at 1 kHz, ${opts.seconds} s each`);
    const startBridge = async (p: number) => {
      const t = await startEqmorph(DEFAULT_MAPPING, p);
      bridgeScheduling = schedulingOf(t.pid);
      return t;
    };
    const startFloor = async (p: number) => {
      const t = await startEcho(p);
      setSchedulingOf(t.pid, bridgeScheduling);
      return t;
    };
    const [one, echo] = await run([startBridge, startFloor], 1, rate, 2 * events, Math.min(events, BLOCK_S * rate));
    const floor = latencyRun(echo!.sent, expectedEchoEnds(echo!.alphas), echo!.arrivals, warmup);
    const single = latencyRun(one!.sent, expectedBridgeOutput(mapping, decoder, one!.alphas).ends, one!.arrivals, warmup);

    log('latency: eqmorph run, 32 instances, 1 kHz in total');
    const manyFile = writeManyInstanceMapping(dir, 32, model.terms);
    const many = await loadMapping(manyFile);
    for (const inst of many.instances) decoder.prepare(inst.initial.termA, inst.initial.termB);
    const [r32] = await run([(p) => startEqmorph(manyFile, p)], 32, rate, events);
    const multi = latencyRun(r32!.sent, expectedBridgeOutput(many, decoder, r32!.alphas).ends, r32!.arrivals, warmup);

    log('burst: 10,000 alpha events within one second');
    const burstEvents = 10000;
    const [burst] = await run([startRunHost], 1, burstEvents, burstEvents);
    const settled = settledAt(expectedBridgeOutput(mapping, decoder, burst!.alphas).finals, burst!.arrivals);
    const settleMs = settled === null ? null : (settled - burst!.sent.at(-1)!) / 1e6;

    log(`memory: eqmorph run at 1 kHz for ${opts.memorySeconds} s`);
    const sink = await startReceiver(dir, false);
    const target = await startEqmorph(DEFAULT_MAPPING, sink.port);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMb(target.pid)), 250);
    await runSender(dir, [target.port], 1, rate, Math.round(opts.memorySeconds * rate));
    clearInterval(sampler);
    await sink.stop();
    await target.stop();
    // Peak, start and end: V8 lets garbage (and the buffers it holds outside the heap) build up until its first full
    // collection, so a run can rise and fall back; flat means the last third ends no more than 5 % above the start.
    const sorted = (xs: number[]) => xs.slice().sort((a, b) => a - b);
    const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
    const third = Math.max(1, Math.floor(samples.length / 3));
    const startMb = median(samples.slice(0, Math.max(1, Math.floor(samples.length / 10))));
    const endMb = median(samples.slice(-third));
    return {
      latency: { p50Ms: single.p50Ms, p99Ms: single.p99Ms, maxMs: single.maxMs, floorP50Ms: floor.p50Ms, floorP99Ms: floor.p99Ms, floorMaxMs: floor.maxMs, overheadRatio: single.p99Ms / floor.p99Ms, nice: bridgeScheduling.nice, realtime: bridgeScheduling.realtime, frames: single.frames, ownFrames: single.ownFrames, unmatched: single.unmatched, floorUnmatched: floor.unmatched },
      latency32: { p50Ms: multi.p50Ms, p99Ms: multi.p99Ms, maxMs: multi.maxMs, frames: multi.frames, ownFrames: multi.ownFrames, unmatched: multi.unmatched },
      burst: { settleMs, maxQueue: burst!.report?.maxInFlight ?? NaN, events: burstEvents, processed: burst!.report?.events ?? NaN, received: burst!.arrivals.length },
      memory: { rssMb: Math.max(...samples), startMb, endMb, growthMb: endMb - startMb, flat: endMb <= startMb * 1.05, seconds: opts.memorySeconds },
      seconds: opts.seconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${resolve(process.argv[1]!)}`) {
  const quick = process.argv.includes('--quick');
  const r = await benchLatency({ seconds: quick ? 2 : 5, memorySeconds: quick ? 8 : 60, log: (l) => process.stderr.write(l + '\n') });
  process.stdout.write(JSON.stringify(r, null, 2) + '\n');
}
