// `eqmorph monitor`: opens a mapping's OSC inputs and prints every decoded control event (and what could not be decoded).

import { resolve } from 'node:path';
import { decodeOscControl, oscAddressTable } from '../pipeline/decode-osc-control.js';
import { loadMapping } from '../profiles/load.js';
import type { OscControl } from '../profiles/types.js';
import { OscUdpTransport } from '../transports/osc-udp.js';
import { parseFlags } from './args.js';
import { DEFAULT_MAPPING } from './run.js';

export const MONITOR_HELP = `eqmorph monitor [--mapping FILE]

Listens on the mapping's inputs and prints each decoded control event: input, control, value kind and value, raw
arguments. Messages no control matches are printed too, so you can see what a surface really sends. Ctrl-C stops.
(Do not run it beside eqmorph run on the same ports.)
`;

function describe(v: import('../codecs/control-value.js').ControlValue): string {
  switch (v.kind) {
    case 'continuous':
      return `continuous ${v.value.toFixed(4)}`;
    case 'discrete':
      return `discrete ${v.step}/${v.max}`;
    case 'relative':
      return `relative ${v.delta > 0 ? '+' : ''}${v.delta}`;
    case 'text':
      return `text "${v.value}"`;
  }
}

export async function monitorCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { mapping: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(MONITOR_HELP);
    return 0;
  }
  const mapping = await loadMapping(resolve(values.mapping ?? DEFAULT_MAPPING));
  const transports: OscUdpTransport[] = [];
  for (const [name, input] of mapping.inputs) {
    if (input.connection.transport !== 'osc') {
      process.stdout.write(`${name}: MIDI input — not monitored in this release\n`);
      continue;
    }
    const t = new OscUdpTransport({ name, mode: 'in', bind: input.connection.listen });
    await t.open();
    const table = oscAddressTable(input.profile.controls as ReadonlyMap<string, OscControl>);
    t.messages$.subscribe((msg) => {
      const r = decodeOscControl(name, table, msg);
      const why = { 'unknown-address': 'no control for', 'bad-argument': 'bad argument:', 'out-of-range': 'out of range, ignored:' } as const;
      const line = r.ok
        ? `${name}.${r.event.control}  ${describe(r.event.value)}${r.clamped ? ' (clamped)' : ''}  [${msg.address} ${msg.args.join(' ')}]`
        : `${name}: ${why[r.reason]} ${r.detail}  [${msg.types} ${msg.args.join(' ')}]`;
      process.stdout.write(line + '\n');
    });
    transports.push(t);
    process.stdout.write(`listening: ${name} on OSC udp ${input.connection.listen.host}:${input.connection.listen.port}\n`);
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await Promise.all(transports.map((t) => t.close()));
  return 0;
}
