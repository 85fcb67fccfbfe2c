// A test double of an X32's OSC side: answers queries with the stored value, accepts /xremote, records every set.

import dgram from 'node:dgram';
import { decodeOscPacket, encodeOscMessage, type OscArg } from '../../src/transports/osc-packet.js';

export interface X32Set {
  readonly address: string;
  readonly value: OscArg;
  readonly type: string;
}

export interface X32Double {
  /** The UDP port it listens on (127.0.0.1, chosen by the OS). */
  readonly port: number;
  /** Every message with an argument, in arrival order. */
  readonly sets: X32Set[];
  /** How many /xremote registrations arrived. */
  xremotes(): number;
  /** The stored value of an address, as a query would answer it. */
  value(address: string): OscArg | undefined;
  close(): Promise<void>;
}

/**
 * Like the desk (Maillot's protocol document, p.6): an address without arguments is a query, answered to the sender's
 * address and port with the stored value; an address with one argument sets it. Values are stored as sent, without
 * the desk's own rounding, so a test sees exactly what eqmorph put on the wire.
 */
export async function startX32Double(): Promise<X32Double> {
  const socket = dgram.createSocket('udp4');
  const store = new Map<string, { value: OscArg; type: string }>();
  const sets: X32Set[] = [];
  let xremotes = 0;
  socket.on('message', (bytes, from) => {
    const packet = decodeOscPacket(bytes);
    if (!packet.ok) return;
    for (const m of packet.messages) {
      if (m.args.length === 0) {
        if (m.address === '/xremote') xremotes++;
        const stored = store.get(m.address);
        if (stored) socket.send(Buffer.from(encodeOscMessage(m.address, [stored.value], stored.type)), from.port, from.address);
        continue;
      }
      store.set(m.address, { value: m.args[0]!, type: m.types[0]! });
      sets.push({ address: m.address, value: m.args[0]!, type: m.types[0]! });
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    sets,
    xremotes: () => xremotes,
    value: (address) => store.get(address)?.value,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
