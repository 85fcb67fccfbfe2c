// Test helper: a running bridge with the default mapping and a web monitor, its OSC output caught by a UDP socket on port 0.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { DEFAULT_MAPPING, startRun } from '../../src/cli/run.js';
import { decodeOscPacket, type OscMessage } from '../../src/transports/osc-packet.js';
import type { WebAccess } from '../../src/web/access.js';

export interface MonitoredRun {
  readonly run: Awaited<ReturnType<typeof startRun>>;
  /** Every OSC message the bridge sent to its output, in arrival order. */
  readonly received: OscMessage[];
  /** What startRun printed. */
  readonly log: string[];
  stop(): Promise<void>;
}

export async function startMonitoredRun(token: string | null, mapping = DEFAULT_MAPPING): Promise<MonitoredRun> {
  const received: OscMessage[] = [];
  const log: string[] = [];
  const rx = dgram.createSocket('udp4');
  rx.on('message', (buf) => {
    const r = decodeOscPacket(new Uint8Array(buf));
    if (r.ok) received.push(...r.messages);
  });
  await new Promise<void>((res) => rx.bind(0, '127.0.0.1', res));
  const web: WebAccess = { listen: { host: '127.0.0.1', port: 0 }, token };
  const run = await startRun({ mapping, oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port: rx.address().port }, web }, (l) => log.push(l));
  return {
    run,
    received,
    log,
    stop: async () => {
      await run.stop();
      rx.close();
    },
  };
}

export { until } from '../support/until.js';
