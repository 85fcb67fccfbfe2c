// Bench process: receives OSC datagrams, stamps each on arrival (CLOCK_MONOTONIC ns) and, on "stop" from stdin,
// decodes them after the fact and writes them out, so decoding never competes with the measured pipeline.
// Run: node --import tsx bench/proc/receiver.ts OUT_FILE|-  (prints "port N" once bound; "-" only counts)

import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeOscPacket } from '../../src/transports/osc-packet.js';

const outFile = process.argv[2]!;
const record = outFile !== '-';
const times: number[] = [];
const packets: Buffer[] = [];
let count = 0;

const socket = dgram.createSocket('udp4');
socket.on('message', (buf) => {
  count++;
  if (!record) return;
  times.push(Number(process.hrtime.bigint()));
  packets.push(buf);
});
await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
// 15 datagrams per frame at 10 kHz must not overflow the default 208 kB buffer while this process is descheduled.
try {
  socket.setRecvBufferSize(4 * 1024 * 1024);
} catch {
  // capped by net.core.rmem_max; the default still works at 1 kHz
}
process.stdout.write(`port ${socket.address().port}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'count') process.stdout.write(`count ${count}\n`);
  if (line !== 'stop') return;
  socket.close();
  if (record) {
    const arrivals = packets.flatMap((p, i) => {
      const r = decodeOscPacket(new Uint8Array(p));
      return r.ok ? r.messages.map((m) => ({ address: m.address, value: Number(m.args[0]), t: times[i]! })) : [];
    });
    writeFileSync(outFile, JSON.stringify({ arrivals }));
  }
  process.stdout.write(`done ${count}\n`);
  process.exit(0);
});
