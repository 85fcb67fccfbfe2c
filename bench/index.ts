// npm run bench [-- --quick] [-- --json]: the bridge's speed, measured side by side in one run.

import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import { benchDecode } from './decode.js';
import { benchTrain } from './train.js';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');

/** A UDP port free right now on 127.0.0.1 (bound and released). */
async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Process start to "first snapshot sent": spawns `eqmorph run` and waits for its first OSC datagram. */
async function coldStartMs(): Promise<number> {
  const rx = dgram.createSocket('udp4');
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  const port = rx.address().port;
  const inPort = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/eqmorph.js', 'run', '--osc-in', `127.0.0.1:${inPort}`, '--osc-out', `127.0.0.1:${port}`, '--web', '0'], { stdio: 'ignore' });
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('eqmorph run sent nothing within 20 s')), 20000);
    rx.once('message', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
  });
  child.kill('SIGTERM');
  rx.close();
  return ms;
}

/** A term B change: time to the first output of the new pair (uncached: one exact decode; the table follows in the background). */
async function pairSwitchMs(): Promise<{ median: number; max: number }> {
  await initBackend();
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  const terms = model.terms;
  const times: number[] = [];
  const decoder = new CachedDecoder(model);
  decoder.decode(terms[0]!, terms[1]!, 0.5);
  for (let i = 2; i < Math.min(terms.length, quick ? 8 : 20); i++) {
    const t0 = performance.now();
    decoder.decode(terms[0]!, terms[i]!, 0.5);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, max: times[times.length - 1]! };
}

const decode = await benchDecode({ quick });
const cold = await coldStartMs();
const pair = await pairSwitchMs();
const train = quick ? null : await benchTrain();
const result = {
  decode: { predictUs: decode.predictUs, pipelineUs: decode.pipelineUs, speedup: decode.speedup, tableBuildMs: decode.tableBuildMs, tensorLeak: decode.tensorLeak },
  coldStartMs: cold,
  pairSwitchMs: pair.median,
  pairSwitchMaxMs: pair.max,
  train: train ? { seconds: train.seconds, stepMs: train.stepMs, converged: train.convergence.converged } : null,
  backend: decode.backend,
  notMeasuredYet: ['latency.p50Ms/p99Ms/maxMs over UDP at 1 kHz', 'latency32', 'latency.floorP99Ms', 'burst.settleMs', 'burst.maxQueue', 'memory'],
};
if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
else {
  const f = (x: number, d = 1) => x.toFixed(d);
  process.stdout.write(
    [
      `backend: ${result.backend}`,
      `decode per event: model.predict ${f(decode.predictUs)} µs | bridge pair table ${f(decode.pipelineUs, 2)} µs | speedup ${f(decode.speedup, 0)}x (target >= 20)`,
      `cold start (process start -> first snapshot sent): ${f(cold, 0)} ms (target <= 1500)`,
      `pair switch (uncached pair, first output): median ${f(pair.median)} ms, max ${f(pair.max)} ms (target <= 5)`,
      train ? `train: ${f(train.seconds)} s (${f(train.stepMs)} ms/step), converged: ${train.convergence.converged} (target <= 240 s)` : 'train: skipped (--quick)',
      `not measured yet: ${result.notMeasuredYet.join('; ')}`,
    ].join('\n') + '\n',
  );
}
