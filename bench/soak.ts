// npm run bench:soak [-- --seconds N] [-- --json]: a long show in miniature — 1 kHz of alpha with 5 % malformed packets into a spawned eqmorph run.

import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { decodeOscPacket, encodeOscMessage } from '../src/transports/osc-packet.js';
import { freePort } from './latency.js';

export interface SoakOptions {
  readonly seconds?: number;
  /** Packets per second sent to the bridge. */
  readonly rate?: number;
  /** Share of those packets that are malformed. */
  readonly malformedShare?: number;
}

export interface SoakResult {
  readonly seconds: number;
  readonly sentValid: number;
  readonly sentMalformed: number;
  /** Packets per second actually sent. */
  readonly rate: number;
  /** The process was still running when it was told to stop, and then exited with 0. */
  readonly crashed: boolean;
  readonly exitCode: number | null;
  /** Resident memory of the bridge process, MB: mean over the first and the last `windowS` seconds, and the peak. */
  readonly rss: { readonly firstMb: number; readonly lastMb: number; readonly peakMb: number; readonly windowS: number; readonly samples: number; readonly perSecondMb: readonly number[] };
  /** Datagrams that came out of the bridge. */
  readonly received: number;
  /** Valid alpha packets the bridge did not take in (the kernel dropped them while its loop was busy): sent − taken. */
  readonly lostInput: number;
  /** The last value out for every parameter against decoding the flood's last valid alpha directly. */
  readonly final: FinalCheck;
  /** The same after one more alpha sent 0.5 s after the flood: does the bridge answer correctly once the storm is over? */
  readonly settled: FinalCheck;
  /** The bridge's own --stats lines, as last printed. */
  readonly stats: readonly string[];
}

export interface FinalCheck {
  readonly alpha: number;
  readonly delivered: boolean;
  readonly maxGainErrorDb: number;
  readonly maxFreqQErrorPct: number;
  readonly missing: number;
}

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

/** Resident set size of a process in MB (Linux /proc), or NaN where that is not available. */
function rssMb(pid: number): number {
  const file = `/proc/${pid}/status`;
  if (!existsSync(file)) return Number.NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(file, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** One malformed datagram of a few kinds: random bytes, a cut-off message, NaN, an address nobody listens to. */
function malformed(i: number): Uint8Array {
  switch (i % 4) {
    case 0:
      return Uint8Array.from({ length: 1 + ((i * 7919) % 200) }, (_, k) => (i * 31 + k * 17) & 0xff);
    case 1:
      return encodeOscMessage('/eqmorph/alpha', [0.5], 'f').slice(0, 6 + (i % 10));
    case 2: {
      const bytes = encodeOscMessage('/eqmorph/alpha', [0.5], 'f');
      new DataView(bytes.buffer, bytes.byteOffset).setFloat32(bytes.length - 4, Number.NaN);
      return bytes;
    }
    default:
      return encodeOscMessage(`/soak/unknown/${i % 7}`, [i], 'i');
  }
}

export async function benchSoak(options: SoakOptions = {}): Promise<SoakResult> {
  const seconds = options.seconds ?? 60;
  const rate = options.rate ?? 1000;
  const share = options.malformedShare ?? 0.05;
  await initBackend();
  const model = await EqModel.load(DEFAULT_MODEL_DIR);

  const rx = dgram.createSocket('udp4');
  const last = new Map<string, number>();
  let received = 0;
  rx.on('message', (buf) => {
    received++;
    const r = decodeOscPacket(new Uint8Array(buf));
    if (r.ok) for (const m of r.messages) last.set(m.address, m.args[0] as number);
  });
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  // This process sends 1 kHz while it receives: room for the bridge's output while the loop is busy sending.
  rx.setRecvBufferSize(4 << 20);
  const inPort = await freePort();
  const tx = dgram.createSocket('udp4');

  const child = spawn(process.execPath, [resolve(ROOT, 'bin/eqmorph.js'), 'run', '--no-web', '--osc-in', `127.0.0.1:${inPort}`, '--osc-out', `127.0.0.1:${rx.address().port}`, '--stats'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let exit: { code: number | null } | null = null;
  const exited = new Promise<void>((r) => child.on('exit', (code) => ((exit = { code }), r())));
  const waitFor = async (cond: () => boolean, what: string, ms: number) => {
    const t0 = Date.now();
    while (!cond()) {
      if (exit) throw new Error(`eqmorph run exited (${exit.code}) while waiting for ${what}: ${stderr}`);
      if (Date.now() - t0 > ms) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await waitFor(() => /running/.test(stdout) && received >= 15, 'the bridge to start', 30000);

  const rss: { t: number; mb: number }[] = [];
  let sentValid = 0;
  let sentMalformed = 0;
  let lastAlpha = 0;
  const t0 = performance.now();
  let nextSample = 0;
  // Paced by elapsed time, not by a timer per packet: each turn sends whatever is due, so the average rate holds.
  while (performance.now() - t0 < seconds * 1000 && !exit) {
    const elapsed = performance.now() - t0;
    const due = Math.floor((elapsed * rate) / 1000) - (sentValid + sentMalformed);
    for (let k = 0; k < due; k++) {
      const n = sentValid + sentMalformed;
      // Every 20th packet is malformed at 5 %: evenly spread, the same in every run.
      if (share > 0 && n % Math.round(1 / share) === Math.round(1 / share) - 1) {
        tx.send(malformed(sentMalformed++), inPort, '127.0.0.1');
      } else {
        lastAlpha = Math.fround(0.5 + 0.5 * Math.sin(n / 500));
        tx.send(encodeOscMessage('/eqmorph/alpha', [lastAlpha], 'f'), inPort, '127.0.0.1');
        sentValid++;
      }
    }
    if (elapsed >= nextSample) {
      rss.push({ t: elapsed / 1000, mb: rssMb(child.pid!) });
      nextSample += 1000;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const sentFor = (performance.now() - t0) / 1000;
  const crashedEarly = exit !== null;

  const check = (alpha: number): FinalCheck => {
    const direct = model.decode('warm', 'bright', alpha, { sorted: false });
    let maxGain = 0;
    let maxRel = 0;
    let missing = 0;
    direct.forEach((b, i) => {
      const n = i + 1;
      const g = last.get(`/eqmorph/band/${n}/gain`);
      const f = last.get(`/eqmorph/band/${n}/freq`);
      const q = last.get(`/eqmorph/band/${n}/q`);
      if (g === undefined || f === undefined || q === undefined) missing++;
      if (g !== undefined) maxGain = Math.max(maxGain, Math.abs(g - b.gain));
      if (f !== undefined) maxRel = Math.max(maxRel, Math.abs(f / b.freq - 1));
      if (q !== undefined) maxRel = Math.max(maxRel, Math.abs(q / b.q - 1));
    });
    return { alpha, delivered: missing === 0 && maxGain < 0.05 && maxRel < 0.005, maxGainErrorDb: maxGain, maxFreqQErrorPct: maxRel * 100, missing };
  };
  // Drained: nothing more arrives for a while.
  const drained = async () => {
    let seen = -1;
    while (seen !== received && !exit) {
      seen = received;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  await drained();
  const final = check(lastAlpha);
  const settleAlpha = Math.fround(lastAlpha > 0.5 ? 0.125 : 0.875);
  if (!exit) tx.send(encodeOscMessage('/eqmorph/alpha', [settleAlpha], 'f'), inPort, '127.0.0.1');
  await drained();
  const settled = check(settleAlpha);

  // Let the last frames arrive, and wait for one --stats print after the end (every 5 s).
  const statsBefore = stdout.split('\n').filter((l) => l.startsWith('stats: bridge')).length;
  if (!crashedEarly) await waitFor(() => stdout.split('\n').filter((l) => l.startsWith('stats: bridge')).length > statsBefore, 'a stats line', 8000).catch(() => undefined);
  const lines = stdout.split('\n');
  const lastBridge = lines.map((l, i) => (l.startsWith('stats: bridge') ? i : -1)).filter((i) => i >= 0).at(-1);
  let firstOfBlock = lastBridge ?? 0;
  while (firstOfBlock > 0 && lines[firstOfBlock - 1]!.startsWith('stats: ') && !lines[firstOfBlock - 1]!.startsWith('stats: bridge')) firstOfBlock--;
  const stats = lastBridge === undefined ? [] : lines.slice(firstOfBlock, lastBridge + 1);

  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  tx.close();
  rx.close();

  const taken = /stats: bridge: events (\d+)/.exec(stats.at(-1) ?? '');

  const windowS = Math.min(10, seconds / 3);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const first = rss.filter((s) => s.t < windowS).map((s) => s.mb);
  const lastW = rss.filter((s) => s.t >= sentFor - windowS).map((s) => s.mb);
  const exitInfo = exit as { code: number | null } | null;
  return {
    seconds: sentFor,
    sentValid,
    sentMalformed,
    rate: (sentValid + sentMalformed) / sentFor,
    crashed: crashedEarly || exitInfo?.code !== 0,
    exitCode: exitInfo?.code ?? null,
    rss: { firstMb: mean(first), lastMb: mean(lastW), peakMb: Math.max(...rss.map((s) => s.mb)), windowS, samples: rss.length, perSecondMb: rss.map((s) => Math.round(s.mb * 10) / 10) },
    received,
    // The stats line is printed after the settle alpha, so its events are the flood's valid packets taken, plus one.
    lostInput: taken ? sentValid + 1 - Number(taken[1]) : Number.NaN,
    final,
    settled,
    stats,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--seconds');
  const seconds = i >= 0 ? Number(process.argv[i + 1]) : 60;
  if (!(seconds > 0)) {
    process.stderr.write('bench:soak: --seconds needs a positive number, e.g. --seconds 60\n');
    process.exit(2);
  }
  const r = await benchSoak({ seconds });
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else {
    const f = (x: number, d = 1) => x.toFixed(d);
    const fc = (c: FinalCheck) =>
      `${c.delivered ? 'yes' : 'NO'} (alpha ${f(c.alpha, 4)}: gain within ${c.maxGainErrorDb.toFixed(3)} dB, frequency/Q within ${c.maxFreqQErrorPct.toFixed(3)} %, ${c.missing} bands missing)`;
    process.stdout.write(
      [
        `soak: ${f(r.seconds)} s at ${f(r.rate, 0)} packets/s: ${r.sentValid} valid alpha, ${r.sentMalformed} malformed (${f((100 * r.sentMalformed) / (r.sentValid + r.sentMalformed))} %)`,
        `crashed: ${r.crashed ? `yes (exit ${r.exitCode})` : 'no (exit 0 on SIGTERM)'}`,
        `RSS: first ${f(r.rss.windowS, 0)} s ${f(r.rss.firstMb)} MB, last ${f(r.rss.windowS, 0)} s ${f(r.rss.lastMb)} MB (${f(r.rss.lastMb - r.rss.firstMb, 1)} MB), peak ${f(r.rss.peakMb)} MB, ${r.rss.samples} samples`,
        `valid alpha packets lost before the bridge (kernel drops while it was busy): ${r.lostInput} of ${r.sentValid} (${f((100 * r.lostInput) / r.sentValid)} %)`,
        `flood's last alpha delivered: ${fc(r.final)}`,
        `an alpha 0.5 s after the flood delivered: ${fc(r.settled)}`,
        `datagrams out of the bridge: ${r.received}`,
        ...r.stats.map((l) => `bridge ${l}`),
      ].join('\n') + '\n',
    );
  }
}
