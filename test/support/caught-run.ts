// Test helpers: a UDP socket that catches and decodes what a bridge sends, and `startRun` with its first OSC input on a
// free port and its OSC output caught by such a socket.
import dgram from 'node:dgram';
import { DEFAULT_MAPPING, startRun, type RunOptions } from '../../src/cli/run.js';
import { decodeOscPacket, type OscMessage } from '../../src/transports/osc-packet.js';
import type { OscUdpTransport } from '../../src/transports/osc-udp.js';

export interface OscReceiver {
  readonly socket: dgram.Socket;
  /** Every OSC message that arrived, in arrival order (bundles unpacked). */
  readonly received: OscMessage[];
  readonly port: number;
}

/** A socket on 127.0.0.1 (`port` 0: any free one) that decodes every datagram it gets. */
export async function oscReceiver(port = 0): Promise<OscReceiver> {
  const socket = dgram.createSocket('udp4');
  const received: OscMessage[] = [];
  socket.on('message', (buf) => {
    const r = decodeOscPacket(new Uint8Array(buf));
    if (r.ok) received.push(...r.messages);
  });
  await new Promise<void>((res) => socket.bind(port, '127.0.0.1', res));
  return { socket, received, port: socket.address().port };
}

/** A UDP port on 127.0.0.1 that was free a moment ago (for a process that must be told a number, or a listener that comes later). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface CaughtRun {
  readonly run: Awaited<ReturnType<typeof startRun>>;
  /** Every OSC message the bridge sent to its output, in arrival order. */
  readonly received: OscMessage[];
  /** What startRun printed. */
  readonly log: string[];
  /** The port the mapping's first OSC input was bound to. */
  readonly inPort: number;
  /** Sends one datagram to that input; resolves once it has left. */
  send(bytes: Uint8Array): Promise<void>;
  stop(): Promise<void>;
}

export async function startCaughtRun(opts: Pick<RunOptions, 'mapping' | 'web' | 'rehearse'> = { mapping: DEFAULT_MAPPING }): Promise<CaughtRun> {
  const rx = await oscReceiver();
  const tx = dgram.createSocket('udp4');
  const log: string[] = [];
  const run = await startRun({ ...opts, oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port: rx.port } }, (l) => log.push(l));
  const inPort = ([...run.oscInputs.values()][0] as OscUdpTransport).localAddress()!.port;
  return {
    run,
    received: rx.received,
    log,
    inPort,
    send: (bytes) => new Promise<void>((r) => tx.send(bytes, inPort, '127.0.0.1', () => r())),
    stop: async () => {
      await run.stop();
      rx.socket.close();
      tx.close();
    },
  };
}
