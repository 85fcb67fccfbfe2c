// Bench process: alpha at 1 kHz to eqmorph's OSC input with WORDS distinct unknown terms between every two alpha
// events (50 makes 100,000 words in 2 s), and records when each alpha left.
// Run: node --import tsx bench/proc/flood-sender.ts PORT EVENTS WORDS OUT_FILE

import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { alphaAt } from '../frames.js';

const port = Number(process.argv[2]);
const [events, words] = process.argv.slice(3, 5).map(Number) as [number, number];
const outFile = process.argv[5]!;

const alphas = Array.from({ length: events }, (_, k) => Buffer.from(encodeOscMessage('/eqmorph/alpha', [alphaAt(k)], 'f')));
// Distinct words, none a term or near one (no vowels a vocabulary would share), encoded before the clock starts.
const flood = Array.from({ length: events * words }, (_, i) => Buffer.from(encodeOscMessage('/eqmorph/termB', [`zq${i.toString(36)}x`], 's')));
const sent = new Float64Array(events);
const socket = dgram.createSocket('udp4');
await new Promise<void>((r) => socket.connect(port, '127.0.0.1', r));

const periodNs = 1e6;
const t0 = Number(process.hrtime.bigint());
let k = 0;
await new Promise<void>((done) => {
  const tick = () => {
    const now = Number(process.hrtime.bigint());
    while (k < events && t0 + k * periodNs <= now) {
      for (let w = 0; w < words; w++) socket.send(flood[k * words + w]!);
      sent[k] = Number(process.hrtime.bigint());
      socket.send(alphas[k]!);
      k++;
    }
    if (k < events) setTimeout(tick, Math.max(0, (t0 + k * periodNs - now) / 1e6 - 0.5));
    else done();
  };
  tick();
});
writeFileSync(outFile, JSON.stringify({ sent: Array.from(sent) }));
socket.close();
