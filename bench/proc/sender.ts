// Bench process: sends /eqmorph/alpha (or one alpha address per instance) at a fixed rate and records when each left.
// Run: node --import tsx bench/proc/sender.ts PORT[,PORT...] INSTANCES RATE_HZ EVENTS BLOCK OUT_FILE
// With several ports, events go to them in turn, BLOCK events at a time: two targets measured in alternating blocks
// share whatever load the machine has at the time, so their ratio is fair even when the machine is busy.

import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { alphaAddress, alphaAt } from '../frames.js';

const ports = process.argv[2]!.split(',').map(Number);
const [instances, rate, events, block] = process.argv.slice(3, 7).map(Number) as [number, number, number, number];
const outFile = process.argv[7]!;

// Encoded before the clock starts, so the loop below only stamps and sends.
const packets = Array.from({ length: events }, (_, k) => Buffer.from(encodeOscMessage(alphaAddress(k % instances, instances), [alphaAt(k)], 'f')));
const portOf = (k: number) => ports[Math.floor(k / block) % ports.length]!; // as eventsOf in frames.ts
const sent = new Float64Array(events);
// Connected sockets, one per port, send at once, with no per-datagram address lookup between stamp and syscall.
const sockets = new Map(
  await Promise.all(
    ports.map(async (port) => {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((r) => socket.connect(port, '127.0.0.1', r));
      return [port, socket] as const;
    }),
  ),
);

const periodNs = 1e9 / rate;
const t0 = Number(process.hrtime.bigint());
let k = 0;
// Timers wake about once a millisecond: each wake sends every event that is due, so the average rate is exact and a
// late wake shows up as latency of the events it delayed, as it would for a real surface.
await new Promise<void>((done) => {
  const tick = () => {
    const now = Number(process.hrtime.bigint());
    while (k < events && t0 + k * periodNs <= now) {
      sent[k] = Number(process.hrtime.bigint());
      sockets.get(portOf(k))!.send(packets[k]!);
      k++;
    }
    if (k < events) setTimeout(tick, Math.max(0, (t0 + k * periodNs - now) / 1e6 - 0.5));
    else done();
  };
  tick();
});
writeFileSync(outFile, JSON.stringify({ sent: Array.from(sent) }));
for (const socket of sockets.values()) socket.close();
