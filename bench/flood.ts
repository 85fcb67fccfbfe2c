// Bench: fader latency while unknown words flood the same input: eqmorph run (default mapping) in its own process,
// alpha at 1 kHz for 2 s with 50 distinct unknown terms before each alpha (100,000 words), all on 127.0.0.1.
// Run: node --import tsx bench/flood.ts [WORDS_PER_ALPHA]   (0 gives the same run without the flood, for the ratio)
// Run it un-niced on a quiet machine: the bridge raises its own priority as `eqmorph run` does (nice, realtime;
// EQMORPH_REALTIME=0 for none), and gives its sender and receiver the same.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, PACKAGE_ROOT } from '../src/data/paths.js';
import { DEFAULT_MAPPING } from '../src/cli/run.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import { loadMapping } from '../src/profiles/load.js';
import { alphaAt, sameFloat, settledAt } from './frames.js';
import { exited, expectedBridgeOutput, latencyRun, pause, schedulingLabel, schedulingOf, setSchedulingOf, startReceiver, startRunHost, TSX } from './latency.js';

const EVENTS = 2000;
const WARMUP = 250;

async function floodRun(dir: string, words: number) {
  const rx = await startReceiver(dir, true);
  // The host says its port once its start-up work (rehearsal, background tables) is over.
  const host = await startRunHost(rx.port);
  // Sender and receiver are the instrument: at the bridge's scheduling (as the latency bench runs its echo), the
  // receiver's wake-ups do not count as the bridge's latency, and the sender keeps its pace instead of sending a late
  // wake's words in one burst.
  const scheduling = schedulingOf(host.pid);
  setSchedulingOf(rx.pid, scheduling);
  const file = join(dir, `flood-${words}.json`);
  const child = spawn(process.execPath, [...TSX, 'bench/proc/flood-sender.ts', String(host.port), String(EVENTS), String(words), file], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  // At the bridge's scheduling too. Below the bridge (one realtime step) the sender was held up for 19-30 ms at a time
  // and then sent what was due in one burst (p99 1.7-21 ms in six runs); above it, it kept its pace but took its third
  // of a core ahead of the bridge (6.6 and 7.3 ms); at the bridge's own, 1.9-5.6 ms in fourteen runs.
  setSchedulingOf(child.pid!, scheduling);
  await exited(child);
  const sent = (JSON.parse(readFileSync(file, 'utf8')) as { sent: number[] }).sent;
  const load = loadavg()[0]!;
  await pause(500);
  const arrivals = await rx.stop();
  const report = (await host.stop()) as Record<string, number>;
  return { words, sent, arrivals, report, load, scheduling };
}

const USAGE = 'usage: node --import tsx bench/flood.ts [WORDS_PER_ALPHA]   (default 50; 0: the same run without the flood)\n';
const arg = process.argv[2];
if (arg === '--help' || arg === '-h') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (arg !== undefined && !/^\d+$/.test(arg)) {
  process.stderr.write(`bench/flood.ts: ${JSON.stringify(arg)} is not a number of words\n${USAGE}`);
  process.exit(2);
}
const words = Number(arg ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'eqmorph-flood-'));
try {
  await initBackend();
  const decoder = new CachedDecoder(await EqModel.load(DEFAULT_MODEL_DIR));
  const mapping = await loadMapping(DEFAULT_MAPPING);
  for (const inst of mapping.instances) decoder.prepare(inst.initial.termA, inst.initial.termB);
  const alphas = Array.from({ length: EVENTS }, (_, k) => alphaAt(k));
  const expected = expectedBridgeOutput(mapping, decoder, alphas);
  const line = (label: string, r: Awaited<ReturnType<typeof floodRun>>) => {
    const lat = latencyRun(r.sent, expected.ends, r.arrivals, WARMUP);
    const settled = settledAt(expected.finals, r.arrivals);
    // Not delivered: either the bridge never read it (the kernel dropped it) or its frame was lost on the way out.
    const read = sameFloat(r.report['lastAlpha']!, alphas.at(-1)!) ? 'the bridge read it' : 'the bridge never read it';
    const final = settled === null ? `NOT delivered (${read})` : `delivered ${((settled - r.sent.at(-1)!) / 1e6).toFixed(2)} ms after it was sent`;
    const c = r.report;
    const got = `${c['received']} of ${r.sent.length * (1 + r.words)} datagrams read, ${c['rejected']} words looked up and refused, ${c['superseded']} superseded before a lookup, bridge CPU ${c['cpuMs']} ms, input read on ${c['inputThread'] ? 'a thread of its own' : 'the main thread'}`;
    // A sender that woke late sent what was due in one burst: its longest pause says how steady the load was.
    const pause = Math.max(...r.sent.slice(1).map((t, k) => (t - r.sent[k]!) / 1e6));
    console.log(`${label}: fader p50 ${lat.p50Ms.toFixed(2)} ms, p99 ${lat.p99Ms.toFixed(2)} ms, max ${lat.maxMs.toFixed(2)} ms over ${lat.frames} frames; ${got}; final alpha ${final}; sender's longest pause ${pause.toFixed(1)} ms; bridge at ${schedulingLabel(r.scheduling)}, load average ${r.load.toFixed(2)}`);
    return lat;
  };
  const quiet = line('alpha alone, 1 kHz', await floodRun(dir, 0));
  const loud = line(`alpha with ${words * EVENTS} unknown words in ${EVENTS / 1000} s`, await floodRun(dir, words));
  console.log(`p99 ratio flood/alone: ${(loud.p99Ms / quiet.p99Ms).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
