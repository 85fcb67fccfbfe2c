// Bench process: the floor of the machine: receives one OSC alpha message and sends 15 datagrams, with no pipeline.
// Run: node --import tsx bench/proc/echo.ts OUT_PORT   (prints "port N" once bound)
// The 15 messages carry the received alpha (its 4 raw bytes) to the bridge's 15 band addresses, band 5's Q last.

import dgram from 'node:dgram';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { ECHO_ADDRESSES } from '../frames.js';

const outPort = Number(process.argv[2]);
const templates = ECHO_ADDRESSES.map((a) => Buffer.from(encodeOscMessage(a, [0], 'f')));
const out = dgram.createSocket('udp4');
await new Promise<void>((r) => out.connect(outPort, '127.0.0.1', r));
const input = dgram.createSocket('udp4');
input.on('message', (msg) => {
  // An OSC float message ends with its one argument: copy those 4 bytes into each outgoing message's last 4.
  for (const t of templates) {
    const b = Buffer.from(t);
    msg.copy(b, b.length - 4, msg.length - 4);
    out.send(b);
  }
});
await new Promise<void>((r) => input.bind(0, '127.0.0.1', r));
process.stdout.write(`port ${input.address().port}\n`);
