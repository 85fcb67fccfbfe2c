// A test double of a Behringer WING's OSC side for channel EQs, built from the cited WING documents
// (firmware-profiles/targets/behringer-wing-channel.yaml): it stores what it is sent and checks each value against the
// documented range (as the 32-bit floats OSC carries) and type of its address, so a test sees anything the desk would
// have to refuse or clamp.
import dgram from 'node:dgram';
import { decodeOscPacket, type OscArg } from '../../src/transports/osc-packet.js';

/** The channel EQ leaves and their ranges: gain -15..15 dB, frequency 20..20000 Hz, Q 0.44..10, type PEQ or SHV. */
const LEAVES: Record<string, { type: 'f'; min: number; max: number } | { type: 's'; values: string[] } | { type: 'i'; values: number[] }> = {
  on: { type: 'i', values: [0, 1] },
  ...Object.fromEntries(['l', '1', '2', '3', '4', 'h'].flatMap((b) => [[`${b}g`, { type: 'f', min: -15, max: 15 }], [`${b}f`, { type: 'f', min: 20, max: 20000 }], [`${b}q`, { type: 'f', min: 0.44, max: 10 }]])),
  leq: { type: 's', values: ['PEQ', 'SHV'] },
  heq: { type: 's', values: ['PEQ', 'SHV'] },
};

export interface WingDouble {
  readonly port: number;
  /** Messages that named no channel EQ leaf, or carried the wrong type or a value out of its range. */
  readonly refused: string[];
  value(address: string): OscArg | undefined;
  close(): Promise<void>;
}

export async function startWingDouble(): Promise<WingDouble> {
  const socket = dgram.createSocket('udp4');
  const store = new Map<string, OscArg>();
  const refused: string[] = [];
  socket.on('message', (bytes) => {
    const packet = decodeOscPacket(bytes);
    if (!packet.ok) return void refused.push('a malformed packet');
    for (const m of packet.messages) {
      const leaf = /^\/ch\/([1-9]|[1-3]\d|40)\/eq\/(\w+)$/.exec(m.address)?.[2];
      const spec = leaf ? LEAVES[leaf] : undefined;
      const v = m.args[0];
      const ok =
        spec !== undefined &&
        m.types === spec.type &&
        (spec.type === 'f' ? typeof v === 'number' && v >= Math.fround(spec.min) && v <= Math.fround(spec.max) : (spec.values as OscArg[]).includes(v!));
      if (!ok) refused.push(`${m.address} ,${m.types} ${String(v)}`);
      else store.set(m.address, v!);
    }
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return {
    port: socket.address().port,
    refused,
    value: (a) => store.get(a),
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}
