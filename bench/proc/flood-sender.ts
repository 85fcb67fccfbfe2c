// Bench process: alpha at 1 kHz to eqmorph's OSC input with WORDS distinct unknown terms between every two alpha
// events (50 makes 100,000 words in 2 s), and records when each alpha left.
// Run: node --import tsx bench/proc/flood-sender.ts PORT EVENTS WORDS OUT_FILE

import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { alphaAt } from '../frames.js';
import { connectedSocket, sendPaced, writeSent } from './paced.js';

const port = Number(process.argv[2]);
const [events, words] = process.argv.slice(3, 5).map(Number) as [number, number];
const outFile = process.argv[5]!;

const alphas = Array.from({ length: events }, (_, k) => Buffer.from(encodeOscMessage('/eqmorph/alpha', [alphaAt(k)], 'f')));
// Distinct words, none a term or near one (no vowels a vocabulary would share), encoded before the clock starts into
// one buffer: 100,000 Buffer objects kept alive are that many more for each garbage collection of this process to
// visit, and a collection that pauses the sender turns the paced words into a burst.
const encoded = Array.from({ length: events * words }, (_, i) => encodeOscMessage('/eqmorph/termB', [`zq${i.toString(36)}x`], 's'));
const ends = new Uint32Array(encoded.length + 1);
encoded.forEach((m, i) => (ends[i + 1] = ends[i]! + m.length));
const flood = Buffer.allocUnsafe(ends[encoded.length]!);
encoded.forEach((m, i) => flood.set(m, ends[i]!));
encoded.length = 0;
const socket = await connectedSocket(port);

// The words of each event go out just before it, so its stamp is taken behind them, as a surface's would be.
const sent = await sendPaced(
  events,
  1000,
  (k) => socket.send(alphas[k]!),
  (k) => {
    for (let i = k * words; i < (k + 1) * words; i++) socket.send(flood, ends[i]!, ends[i + 1]! - ends[i]!);
  },
);
writeSent(outFile, sent);
socket.close();
