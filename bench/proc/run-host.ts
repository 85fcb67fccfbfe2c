// Bench process: `eqmorph run`'s own startRun with the default mapping, which on "stop" also reports its OSC output's
// counters (the most datagrams ever waiting in the socket), which the real command does not print.
// Run: node --import tsx bench/proc/run-host.ts OUT_PORT   (prints "port N" once running)

import { createInterface } from 'node:readline';
import { DEFAULT_MAPPING, startRun } from '../../src/cli/run.js';
import type { OscUdpTransport } from '../../src/transports/osc-udp.js';

const outPort = Number(process.argv[2]);
const run = await startRun({ mapping: DEFAULT_MAPPING, oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port: outPort } }, () => undefined);
const input = [...run.oscInputs.values()][0] as OscUdpTransport;
process.stdout.write(`port ${input.localAddress()!.port}\n`);
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line !== 'stop') return;
  const output = [...run.oscOutputs.values()][0] as OscUdpTransport;
  process.stdout.write(`counters ${JSON.stringify({ ...output.counters(), ...output.sendQueue(), events: run.bridge().counters().events })}\n`);
  await run.stop();
  process.exit(0);
});
