// `eqmorph learn`: waits for a control to move and prints the YAML that describes it and binds it.

import { firstValueFrom, timeout } from 'rxjs';
import { parseHostPort } from '../profiles/endpoints.js';
import type { OscInMessage } from '../transports/osc-udp.js';
import { OscUdpTransport } from '../transports/osc-udp.js';
import { parseFlags } from './args.js';
import { UsageError } from './errors.js';

export const LEARN_HELP = `eqmorph learn [--osc-in [HOST:]PORT] [--target alpha|strength|term_a|term_b|bypass|dump] [--timeout S]

Waits for the first OSC message on the port (default 127.0.0.1:9000), then prints a controller-profile control entry
and a mapping binding for it, ready to paste. Move the control across its whole range within a second of the first
message so the range can be seen.
`;

/** The YAML for an OSC control, judged from what it sent: floats in 0..1 or the range seen, ints, strings or nothing. */
export function learnedOscYaml(msgs: readonly OscInMessage[], target: string): string {
  const first = msgs[0]!;
  const id = first.address.split('/').filter(Boolean).join('_') || 'control';
  const type = first.types[0] ?? '';
  const nums = msgs.filter((m) => m.address === first.address).map((m) => m.args[0]).filter((v): v is number => typeof v === 'number');
  let osc: string;
  if (type === 'f' || type === 'i') {
    const lo = Math.min(0, ...nums);
    const hi = Math.max(type === 'f' ? 1 : 127, ...nums);
    osc = `{ address: ${first.address}, type: ${type}, min: ${lo}, max: ${hi} }`;
  } else if (type === 's') osc = `{ address: ${first.address}, type: s }`;
  else osc = `{ address: ${first.address}, type: none }`;
  const binding = target === 'alpha' || target === 'strength' ? `{ source: <input>.${id}, target: ${target}, takeover: pickup }` : `{ source: <input>.${id}, target: ${target} }`;
  return `# in the controller profile, under controls:\n  ${id}: { osc: ${osc} }\n# in the mapping, under an instance's bindings:\n  - ${binding}\n`;
}

export async function learnCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { 'osc-in': { type: 'string' }, target: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(LEARN_HELP);
    return 0;
  }
  const bind = parseHostPort(values['osc-in'] ?? '127.0.0.1:9000', { host: '127.0.0.1', port: 9000 });
  if ('error' in bind) throw new UsageError(`--osc-in: ${bind.error}`);
  const target = values.target ?? 'alpha';
  if (!['alpha', 'strength', 'term_a', 'term_b', 'bypass', 'dump', 'swap'].includes(target)) throw new UsageError(`--target must be one of alpha, strength, term_a, term_b, bypass, dump, swap; got "${target}"`);
  const seconds = Number(values.timeout ?? 60);
  const t = new OscUdpTransport({ name: 'learn', mode: 'in', bind });
  await t.open();
  process.stdout.write(`waiting for an OSC control on ${bind.host}:${bind.port} (${seconds} s)...\n`);
  const seen: OscInMessage[] = [];
  const sub = t.messages$.subscribe((m) => seen.push(m));
  try {
    await firstValueFrom(t.messages$.pipe(timeout(seconds * 1000)));
  } catch {
    sub.unsubscribe();
    await t.close();
    process.stderr.write(`nothing arrived on ${bind.host}:${bind.port} within ${seconds} s\n`);
    return 1;
  }
  await new Promise((r) => setTimeout(r, 1000));
  sub.unsubscribe();
  await t.close();
  process.stdout.write(learnedOscYaml(seen, target));
  return 0;
}
