// Bench process: receives OSC datagrams, stamps each on arrival (CLOCK_MONOTONIC ns) and, on "stop" from stdin,
// decodes them after the fact and writes them out, so decoding never competes with the measured pipeline.
// Run: node --import tsx bench/proc/receiver.ts OUT_FILE|-  (prints "port N" once bound; "-" only counts)
//
// Datagrams are copied into one preallocated buffer and their times into a typed array: keeping 150,000 Buffer
// objects alive instead made this process's own garbage collector pause for several milliseconds now and then, and
// every pause showed up as latency of whatever was measured (the bare echo's p99 went from 0.5 ms to 1.3 ms).

import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeOscPacket } from '../../src/transports/osc-packet.js';

const outFile = process.argv[2]!;
const record = outFile !== '-';
// Room for 60 s of 15 datagrams per frame at 1 kHz (64-byte messages): what arrives past it is counted, not kept.
const MAX_DATAGRAMS = record ? 1 << 20 : 0;
const times = new Float64Array(MAX_DATAGRAMS);
const ends = new Uint32Array(MAX_DATAGRAMS);
const bytes = Buffer.allocUnsafe(record ? 64 << 20 : 0);
let kept = 0;
let used = 0;
let count = 0;

const socket = dgram.createSocket('udp4');
socket.on('message', (buf) => {
  const t = Number(process.hrtime.bigint());
  count++;
  if (kept === MAX_DATAGRAMS || used + buf.length > bytes.length) return;
  times[kept] = t;
  used += buf.copy(bytes, used);
  ends[kept++] = used;
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
    const arrivals: { address: string; value: number; t: number }[] = [];
    for (let i = 0; i < kept; i++) {
      const start = i === 0 ? 0 : ends[i - 1]!;
      const r = decodeOscPacket(new Uint8Array(bytes.buffer, bytes.byteOffset + start, ends[i]! - start));
      if (r.ok) for (const m of r.messages) arrivals.push({ address: m.address, value: Number(m.args[0]), t: times[i]! });
    }
    writeFileSync(outFile, JSON.stringify({ arrivals, dropped: count - kept }));
  }
  process.stdout.write(`done ${count}\n`);
  process.exit(0);
});
