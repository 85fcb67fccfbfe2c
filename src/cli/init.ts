// `eqmorph init`: asks (or takes flags) which controller drives which EQ, and writes a commented mapping that validates.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../data/paths.js';
import { bareTemplate, controlOf, InitError, initMapping, type InitRequest, type MappingTemplate, type RawBinding } from '../profiles/init-mapping.js';
import { loadControllerProfile, loadTargetProfile, parseMapping } from '../profiles/load.js';
import type { ControllerProfile, TargetProfile } from '../profiles/types.js';
import { parseFlags } from './args.js';
import { UsageError } from './errors.js';
import { SHIPPED_MAPPINGS_DIR, shippedMappingNames } from './mapping-option.js';

const CONTROLLERS_DIR = join(PACKAGE_ROOT, 'firmware-profiles', 'controllers');
const TARGETS_DIR = join(PACKAGE_ROOT, 'firmware-profiles', 'targets');
const MAPPING_SCHEMA = join(PACKAGE_ROOT, 'schema', 'mapping.schema.json');

export const INIT_HELP = `eqmorph init [--controller NAME] [--target NAME] [--host HOST[:PORT]] [--channels LIST] [--out FILE]

Writes a mapping in which a controller drives an EQ, with comments: one morph per channel, each on its own strip of
the controller (fader -> alpha, knob -> strength, buttons -> terms and bypass, as in the controller's ready mapping).
On a terminal it asks for what the flags do not give; otherwise every choice has a default or must be given.

  --controller NAME   a controller profile: a shipped one by name (below) or a profile file
  --target NAME       a target profile: a shipped one by name (below) or a profile file (default eqmorph-osc)
  --host HOST[:PORT]  network targets: the device's address (default 127.0.0.1); the port defaults to the profile's
  --channels LIST     channel numbers, one morph each: 1-8, 1,3,5 or 4 (default 1)
  --out FILE          the file to write (default: print the mapping); an existing file is not overwritten

Then: eqmorph validate FILE, and eqmorph run --mapping FILE.
`;

function profileNames(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => basename(f, '.yaml')).sort();
}

/** A profile named by --controller/--target: a shipped name, or a file. */
function profileFile(value: string, dir: string, flag: string): string {
  const shipped = join(dir, `${value}.yaml`);
  if (/^[\w.-]+$/.test(value) && existsSync(shipped)) return shipped;
  const file = resolve(value);
  if (existsSync(file)) return file;
  throw new UsageError(`--${flag}: no profile "${value}"; shipped: ${profileNames(dir).join(', ')} (or give a profile file)`);
}

/** 1-8, 1,3,5, 2-4,7 -> the channel numbers, in order, each once. */
export function parseChannels(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
    if (!m || lo < 1 || hi < lo || hi > 1000) throw new UsageError(`--channels: "${text}" is not a list of channel numbers like 1-8 or 1,3,5`);
    for (let n = lo; n <= hi; n++) if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** The controller's ready mapping: a shipped mapping with one morph, whose only input uses this profile. */
function readyTemplate(controllerFile: string): MappingTemplate | null {
  const names = shippedMappingNames();
  const own = basename(controllerFile, '.yaml');
  for (const name of [own, ...names.filter((n) => n !== own)]) {
    const file = join(SHIPPED_MAPPINGS_DIR, `${name}.yaml`);
    if (!existsSync(file)) continue;
    const raw = parse(readFileSync(file, 'utf8')) as {
      inputs: Record<string, { profile: string } & Record<string, unknown>>;
      instances: { initial: Record<string, unknown>; bindings: RawBinding[] }[];
    };
    const inputs = Object.values(raw.inputs);
    if (inputs.length !== 1 || raw.instances.length !== 1 || resolve(dirname(file), inputs[0]!.profile) !== controllerFile) continue;
    const { profile: _profile, ...connection } = inputs[0]!;
    const instance = raw.instances[0]!;
    return { connection, initial: instance.initial, bindings: instance.bindings.map((b) => ({ ...b, source: controlOf(b.source) })), from: name };
  }
  return null;
}

/** How the mapping names a file: relative when both live in one tree (a clone), absolute for an installed package. */
function pathFrom(outDir: string, file: string): string {
  const rel = relative(outDir, file);
  const inside = !isAbsolute(rel) && (!rel.startsWith('..') || resolve(outDir).startsWith(PACKAGE_ROOT + sep) || resolve(outDir) === PACKAGE_ROOT);
  return inside ? rel.split(sep).join('/') : file;
}

function reachOf(target: TargetProfile, host: string | undefined): InitRequest['reach'] {
  if (target.transport === 'midi') {
    if (host !== undefined) throw new UsageError(`--host: ${target.name} is a MIDI target; it is reached through a MIDI port, not an address`);
    return null;
  }
  const given = host ?? '127.0.0.1';
  const m = /^(.*?)(?::(\d+))?$/.exec(given)!;
  const port = m[2] !== undefined ? Number(m[2]) : target.port;
  if (port === undefined) throw new UsageError(`--host: ${target.name} does not name its port; give it as --host ${m[1] || '127.0.0.1'}:PORT`);
  if (!m[1] || port < 1 || port > 65535) throw new UsageError(`--host: "${given}" is not HOST or HOST:PORT`);
  return { kind: target.transport, address: `${m[1]}:${port}` };
}

export interface InitChoices {
  readonly controller: string;
  readonly target: string;
  readonly host?: string;
  readonly channels: string;
  readonly out?: string;
}

/** The mapping text for these choices; throws UsageError for a choice that cannot work. */
export async function initText(choices: InitChoices): Promise<string> {
  const controllerFile = profileFile(choices.controller, CONTROLLERS_DIR, 'controller');
  const targetFile = profileFile(choices.target, TARGETS_DIR, 'target');
  const controller: ControllerProfile = await loadControllerProfile(controllerFile);
  const target: TargetProfile = await loadTargetProfile(targetFile);
  const outDir = dirname(resolve(choices.out ?? 'mapping.yaml'));
  try {
    const text = initMapping({
      controller,
      target,
      controllerPath: pathFrom(outDir, controllerFile),
      targetPath: pathFrom(outDir, targetFile),
      schemaPath: pathFrom(outDir, MAPPING_SCHEMA),
      template: readyTemplate(controllerFile) ?? bareTemplate(controller),
      reach: reachOf(target, choices.host),
      channels: parseChannels(choices.channels),
    });
    // What init writes must load: checked here, as `eqmorph validate` would, before anyone sees it.
    await parseMapping(text, join(outDir, 'mapping.yaml'));
    return text;
  } catch (err) {
    if (err instanceof InitError) throw new UsageError(err.message);
    throw err;
  }
}

async function ask(choices: Partial<InitChoices>): Promise<InitChoices> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const pick = async (what: string, names: string[], fallback?: string): Promise<string> => {
      process.stdout.write(`\n${what}:\n${names.map((n, i) => `  ${String(i + 1).padStart(2)}  ${n}`).join('\n')}\n`);
      for (;;) {
        const a = (await rl.question(`number or name${fallback ? ` [${fallback}]` : ''}: `)).trim() || fallback || '';
        const byNumber = names[Number(a) - 1];
        if (/^\d+$/.test(a) && byNumber) return byNumber;
        if (names.includes(a) || existsSync(a)) return a;
        process.stdout.write(`"${a}" is not one of them\n`);
      }
    };
    const controller = choices.controller ?? (await pick('Controller', profileNames(CONTROLLERS_DIR)));
    const target = choices.target ?? (await pick('EQ target', profileNames(TARGETS_DIR), 'eqmorph-osc'));
    const osc = (await loadTargetProfile(profileFile(target, TARGETS_DIR, 'target'))).transport !== 'midi';
    const host = choices.host ?? (osc ? (await rl.question('\nThe EQ\'s address, HOST or HOST:PORT [127.0.0.1]: ')).trim() || undefined : undefined);
    const channels = choices.channels ?? ((await rl.question('Channels, one morph each (1-8, 1,3,5) [1]: ')).trim() || '1');
    const out = choices.out ?? ((await rl.question('Write to [eqmorph-mapping.yaml]: ')).trim() || 'eqmorph-mapping.yaml');
    return { controller, target, channels, ...(host !== undefined ? { host } : {}), out };
  } finally {
    rl.close();
  }
}

export async function initCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    controller: { type: 'string' },
    target: { type: 'string' },
    host: { type: 'string' },
    channels: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(INIT_HELP);
    return 0;
  }
  const interactive = process.stdin.isTTY && process.stdout.isTTY && values.controller === undefined;
  let choices: InitChoices;
  if (interactive) choices = await ask(values);
  else {
    if (values.controller === undefined) throw new UsageError(`--controller is needed when not on a terminal; shipped: ${profileNames(CONTROLLERS_DIR).join(', ')}`);
    choices = { ...values, controller: values.controller, target: values.target ?? 'eqmorph-osc', channels: values.channels ?? '1' } as InitChoices;
  }
  if (choices.out !== undefined && existsSync(choices.out)) throw new UsageError(`--out: ${choices.out} exists; choose another file or remove it first`);
  const text = await initText(choices);
  if (choices.out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  writeFileSync(choices.out, text);
  process.stdout.write(`wrote ${choices.out}\nnext: eqmorph validate ${choices.out} && eqmorph run --mapping ${choices.out}\n`);
  return 0;
}
