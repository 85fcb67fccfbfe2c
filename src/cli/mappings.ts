// `eqmorph mappings`: the shipped mappings, each with what it connects, so a user can pick one by name.

import { basename, join } from 'node:path';
import { loadMapping } from '../profiles/load.js';
import type { Mapping } from '../profiles/types.js';
import { parseFlags } from './args.js';
import { SHIPPED_MAPPINGS_DIR, shippedMappingNames } from './mapping-option.js';

export const MAPPINGS_HELP = `eqmorph mappings [--json]

Lists the mappings that ship with eqmorph: name, description, and which controller drives which target. Run one
with eqmorph run --mapping NAME; to change one, copy its file from the folder printed at the top.

  --json   print a JSON array
`;

export interface ShippedMapping {
  readonly name: string;
  readonly description: string;
  readonly controllers: readonly string[];
  readonly targets: readonly string[];
  readonly instances: number;
  readonly file: string;
}

function profileNames(profiles: Iterable<{ readonly profile: { readonly file: string } }>): string[] {
  return [...new Set([...profiles].map((p) => basename(p.profile.file, '.yaml')))];
}

export function describeMapping(name: string, m: Mapping): ShippedMapping {
  return {
    name,
    description: m.description ?? m.name,
    controllers: profileNames(m.inputs.values()),
    targets: profileNames(m.outputs.values()),
    instances: m.instances.length,
    file: m.file,
  };
}

export async function shippedMappings(): Promise<ShippedMapping[]> {
  const names = shippedMappingNames();
  return Promise.all(names.map(async (n) => describeMapping(n, await loadMapping(join(SHIPPED_MAPPINGS_DIR, `${n}.yaml`)))));
}

export async function mappingsCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(MAPPINGS_HELP);
    return 0;
  }
  const list = await shippedMappings();
  if (values.json) {
    process.stdout.write(JSON.stringify(list, null, 1) + '\n');
    return 0;
  }
  const rows = list.map((m) => [m.name, `${m.controllers.join(', ')} -> ${m.targets.join(', ')}${m.instances > 1 ? ` (${m.instances} instances)` : ''}`, m.description]);
  const head = ['NAME', 'CONTROLLER -> TARGET', 'DESCRIPTION'];
  const w = [0, 1].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)) + 2);
  process.stdout.write(`Shipped mappings, in ${SHIPPED_MAPPINGS_DIR} (run one: eqmorph run --mapping NAME)\n\n`);
  for (const r of [head, ...rows]) process.stdout.write(`${r[0]!.padEnd(w[0]!)}${r[1]!.padEnd(w[1]!)}${r[2]}\n`);
  return 0;
}
