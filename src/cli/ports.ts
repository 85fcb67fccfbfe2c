// `eqmorph ports`: lists MIDI inputs and outputs, or says plainly why MIDI is unavailable.

import { listMidiPorts } from '../transports/midi.js';
import { parseFlags } from './args.js';

export async function portsCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write('eqmorph ports [--json]\n\nLists MIDI input and output ports by name (use these names or patterns in a mapping).\n');
    return 0;
  }
  const ports = listMidiPorts();
  if (values.json) {
    process.stdout.write(JSON.stringify(ports) + '\n');
    return ports.ok ? 0 : 1;
  }
  if (!ports.ok) {
    process.stdout.write(`${ports.reason}\n`);
    return 1;
  }
  process.stdout.write(`MIDI inputs:\n${ports.inputs.map((p) => `  ${p}`).join('\n') || '  (none)'}\nMIDI outputs:\n${ports.outputs.map((p) => `  ${p}`).join('\n') || '  (none)'}\n`);
  return 0;
}
