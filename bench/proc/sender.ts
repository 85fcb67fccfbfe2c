// Bench process: sends /eqmorph/alpha (or one alpha address per instance) at a fixed rate and records when each left.
// Run: node --import tsx bench/proc/sender.ts PORT[,PORT...] INSTANCES RATE_HZ EVENTS BLOCK OUT_FILE
// With several ports, events go to them in turn, BLOCK events at a time: two targets measured in alternating blocks
// share whatever load the machine has at the time, so their ratio is fair even when the machine is busy.

import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { alphaAddress, alphaAt } from '../frames.js';
import { connectedSocket, sendPaced, writeSent } from './paced.js';

const ports = process.argv[2]!.split(',').map(Number);
const [instances, rate, events, block] = process.argv.slice(3, 7).map(Number) as [number, number, number, number];
const outFile = process.argv[7]!;

// Encoded before the clock starts, so the loop only stamps and sends.
const packets = Array.from({ length: events }, (_, k) => Buffer.from(encodeOscMessage(alphaAddress(k % instances, instances), [alphaAt(k)], 'f')));
const portOf = (k: number) => ports[Math.floor(k / block) % ports.length]!; // as eventsOf in frames.ts
const sockets = new Map(await Promise.all(ports.map(async (port) => [port, await connectedSocket(port)] as const)));

const sent = await sendPaced(events, rate, (k) => sockets.get(portOf(k))!.send(packets[k]!));
writeSent(outFile, sent);
for (const socket of sockets.values()) socket.close();
