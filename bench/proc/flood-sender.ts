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
// Distinct words, none a term or near one (no vowels a vocabulary would share), encoded before the clock starts.
const flood = Array.from({ length: events * words }, (_, i) => Buffer.from(encodeOscMessage('/eqmorph/termB', [`zq${i.toString(36)}x`], 's')));
const socket = await connectedSocket(port);

// The words of each event go out just before it, so its stamp is taken behind them, as a surface's would be.
const sent = await sendPaced(
  events,
  1000,
  (k) => socket.send(alphas[k]!),
  (k) => {
    for (let w = 0; w < words; w++) socket.send(flood[k * words + w]!);
  },
);
writeSent(outFile, sent);
socket.close();
