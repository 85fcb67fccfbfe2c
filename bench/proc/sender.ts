// Bench process: sends /eqmorph/alpha (or one alpha address per instance) at a fixed rate and records when each left.
// Run: node --import tsx bench/proc/sender.ts PORT INSTANCES RATE_HZ EVENTS OUT_FILE

import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { alphaAddress, alphaAt } from '../frames.js';

const [port, instances, rate, events] = process.argv.slice(2, 6).map(Number) as [number, number, number, number];
const outFile = process.argv[6]!;

// Encoded before the clock starts, so the loop below only stamps and sends.
const packets = Array.from({ length: events }, (_, k) => Buffer.from(encodeOscMessage(alphaAddress(k % instances, instances), [alphaAt(k)], 'f')));
const sent = new Float64Array(events);
const socket = dgram.createSocket('udp4');
// A connected socket sends at once, with no per-datagram address lookup between the time stamp and the syscall.
await new Promise<void>((r) => socket.connect(port, '127.0.0.1', r));

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
      socket.send(packets[k]!);
      k++;
    }
    if (k < events) setTimeout(tick, Math.max(0, (t0 + k * periodNs - now) / 1e6 - 0.5));
    else done();
  };
  tick();
});
writeFileSync(outFile, JSON.stringify({ sent: Array.from(sent) }));
socket.close();
