// npm run bench:web: what the web monitor costs: a state frame's build time and size, and whether stuck pages slow the bridge.

import dgram from 'node:dgram';
import { WebSocket } from 'ws';
import { DEFAULT_MAPPING, startRun } from '../src/cli/run.js';
import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import type { MorphInstance } from '../src/profiles/types.js';
import { encodeOscMessage } from '../src/transports/osc-packet.js';
import type { OscUdpTransport } from '../src/transports/osc-udp.js';
import { modelMap } from '../src/web/monitor.js';
import { frameMessage } from '../src/web/view-model.js';

const json = process.argv.includes('--json');
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** Builds and serialises a frame for n instances, as the feed does up to 60 times a second. */
async function frameCost(n: number): Promise<{ us: number; bytes: number }> {
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  const decoder = new CachedDecoder(model);
  const { map } = modelMap(model, DEFAULT_MODEL_DIR);
  const instances: MorphInstance[] = Array.from({ length: n }, (_, i) => ({
    name: `i${i}`,
    output: 'eq',
    index: i + 1,
    initial: { termA: 'warm', termB: 'bright', alpha: 0, strength: 1, bypass: false },
    bindings: [],
  }));
  decoder.prepare('warm', 'bright');
  const rounds = 2000;
  let bytes = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    const states = new Map(instances.map((inst, i) => [inst.name, { ...inst.initial, alpha: ((r + i) % 100) / 100 }]));
    bytes = JSON.stringify(frameMessage(instances, states, decoder, map, [], [])).length;
  }
  return { us: ((performance.now() - t0) * 1000) / rounds, bytes };
}

/** OSC fader in to first band message out, over real UDP, with `stuck` pages connected that never read their socket. */
async function faderToWire(stuck: number, events: number): Promise<{ p50: number; p99: number }> {
  const rx = dgram.createSocket('udp4');
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  const run = await startRun(
    { mapping: DEFAULT_MAPPING, oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port: rx.address().port }, web: { listen: { host: '127.0.0.1', port: 0 }, token: null } },
    () => {},
  );
  const pages = await Promise.all(
    Array.from({ length: stuck }, () => new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(run.web!.url.replace('http:', 'ws:') + 'ws');
      // A stuck page: connected, but its end never reads, so the server's socket buffer fills.
      ws.on('open', () => {
        ws.pause();
        resolve(ws);
      });
    })),
  );
  const tx = dgram.createSocket('udp4');
  const inPort = (run.oscInputs.get('surface') as OscUdpTransport).localAddress()!.port;
  const times: number[] = [];
  for (let i = 0; i < events; i++) {
    const got = new Promise<number>((resolve) => rx.once('message', () => resolve(performance.now())));
    const t0 = performance.now();
    tx.send(Buffer.from(encodeOscMessage('/eqmorph/alpha', [(i % 2 === 0 ? 0.25 : 0.75) + (i % 50) / 1000], 'f')), inPort, '127.0.0.1');
    times.push((await got) - t0);
    // Let the frames of this move go out (and pile up at the stuck pages) before the next one.
    await new Promise((r) => setTimeout(r, 5));
  }
  for (const p of pages) p.terminate();
  await run.stop();
  rx.close();
  tx.close();
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

await initBackend();
const one = await frameCost(1);
const eight = await frameCost(8);
const events = 400;
const free = await faderToWire(0, events);
const stuck = await faderToWire(8, events);
const result = { frame1: one, frame8: eight, faderToWireMs: { noPage: free, eightStuckPages: stuck } };
if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
else {
  const f = (x: number, d = 2) => x.toFixed(d);
  process.stdout.write(
    [
      `state frame, 1 instance: ${f(one.us, 0)} µs to build and serialise, ${one.bytes} bytes`,
      `state frame, 8 instances: ${f(eight.us, 0)} µs, ${eight.bytes} bytes`,
      `OSC fader -> first band message (${events} moves): no page p50 ${f(free.p50)} ms p99 ${f(free.p99)} ms | 8 stuck pages p50 ${f(stuck.p50)} ms p99 ${f(stuck.p99)} ms`,
    ].join('\n') + '\n',
  );
}
