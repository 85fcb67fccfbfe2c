// The bench senders' shared clock: events at a fixed rate from connected UDP sockets, each stamped as it leaves.

import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Set when a sender imports this module, before it encodes its messages. Each send leaves garbage; with the young
// generation left to grow (to 16 MB in the flood's sender), each collection of it paused the sender for longer (up to
// 37 ms seen, --trace-gc at load 7), and it then sent what was due meanwhile in one burst. Kept at 1 MB, as eqmorph run
// keeps its own (bin/eqmorph.js).
setFlagsFromString('--semi-space-growth-factor=1');

/** A UDP socket connected to 127.0.0.1:`port`: it sends at once, with no per-datagram address lookup between stamp and syscall. */
export async function connectedSocket(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.connect(port, '127.0.0.1', r));
  return socket;
}

/**
 * Plays `events` events at `rateHz`: for event k, `before(k)` (whatever must go out ahead of it), then its send time
 * is stamped (CLOCK_MONOTONIC ns) and `send(k)` sends it. Resolves with the stamps.
 *
 * Timers wake about once a millisecond: each wake sends every event that is due, so the average rate is exact and a
 * late wake shows up as latency of the events it delayed, as it would for a real surface.
 */
export function sendPaced(events: number, rateHz: number, send: (k: number) => void, before?: (k: number) => void): Promise<Float64Array> {
  const sent = new Float64Array(events);
  const periodNs = 1e9 / rateHz;
  const t0 = Number(process.hrtime.bigint());
  let k = 0;
  return new Promise((done) => {
    const tick = () => {
      const now = Number(process.hrtime.bigint());
      while (k < events && t0 + k * periodNs <= now) {
        before?.(k);
        sent[k] = Number(process.hrtime.bigint());
        send(k);
        k++;
      }
      if (k < events) setTimeout(tick, Math.max(0, (t0 + k * periodNs - now) / 1e6 - 0.5));
      else done(sent);
    };
    tick();
  });
}

/** Writes the send stamps where the bench reads them. */
export function writeSent(outFile: string, sent: Float64Array): void {
  writeFileSync(outFile, JSON.stringify({ sent: Array.from(sent) }));
}
