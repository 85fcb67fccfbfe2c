// Writes a mapping for "this controller drives this EQ", one morph per channel, from the controller's ready mapping — pure.

import type { ControllerProfile, TargetProfile } from './types.js';

/** A binding as written in a mapping file (snake_case keys, plain values). */
export type RawBinding = Readonly<Record<string, unknown>> & { readonly source: string; readonly target: string };

/** The one-morph ready mapping of a controller, as written: how its input connects and what its controls do. */
export interface MappingTemplate {
  /** The input's connection as written (`{ midi: {...} }` or `{ osc: {...} }`). */
  readonly connection: Readonly<Record<string, unknown>>;
  readonly initial: Readonly<Record<string, unknown>>;
  /** Sources are `input.control`; only the control part is kept. */
  readonly bindings: readonly RawBinding[];
  /** The ready mapping's name (for the comments), or null for a template made from the profile alone. */
  readonly from: string | null;
}

export interface InitRequest {
  readonly controller: ControllerProfile;
  readonly target: TargetProfile;
  /** How the written file names each profile (relative to the file, or absolute). */
  readonly controllerPath: string;
  readonly targetPath: string;
  /** The mapping JSON Schema, for editors (relative to the file, or absolute). */
  readonly schemaPath: string;
  readonly template: MappingTemplate;
  /** Network targets: how (OSC over UDP, Yamaha's rcp over TCP) and HOST:PORT. MIDI targets: null (a virtual port). */
  readonly reach: { readonly kind: 'osc' | 'rcp'; readonly address: string } | null;
  /** Channel numbers, one morph each; they fill `{instance}` in the target's addresses. */
  readonly channels: readonly number[];
}

export class InitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitError';
  }
}

export const INPUT = 'surface';
export const OUTPUT = 'eq';
export const VIRTUAL_MIDI_OUT = 'eqmorph EQ';

/** Targets that act on one morph: two morphs cannot share the control that drives them. */
const PER_MORPH = new Set(['alpha', 'strength', 'term_a', 'term_b', 'bypass']);

/** `fader1` -> { head: 'fader', n: 1, tail: '' }; `knob1_2` -> { head: 'knob', n: 1, tail: '_2' }; `cycle` -> null. */
function stripOf(control: string): { head: string; n: number; tail: string } | null {
  const m = /^(\D*?)(\d+)(.*)$/.exec(control);
  return m ? { head: m[1]!, n: Number(m[2]), tail: m[3]! } : null;
}

export function controlOf(source: string): string {
  return source.slice(source.indexOf('.') + 1);
}

/** The same control `offset` strips further on, if the controller has it. */
function shifted(control: string, offset: number, controls: ReadonlyMap<string, unknown>): string | null {
  const s = stripOf(control);
  if (!s) return offset === 0 ? control : null;
  const next = `${s.head}${s.n + offset}${s.tail}`;
  return controls.has(next) ? next : null;
}

/** Controls that report a position (faders, knobs): absolute MIDI values and OSC floats. */
export function continuousControls(c: ControllerProfile): string[] {
  return [...c.controls].filter(([, ctl]) => {
    if ('midi' in ctl) return ['cc', 'cc14', 'pitchbend', 'nrpn'].includes(ctl.midi.type) && !('relative' in ctl.midi && ctl.midi.relative);
    return ctl.osc.type === 'f';
  }).map(([id]) => id);
}

/** A template from the controller profile alone: its first position control drives alpha, the second strength. */
export function bareTemplate(c: ControllerProfile): MappingTemplate {
  const cont = continuousControls(c);
  if (cont.length === 0) throw new InitError(`${c.name} has no fader or knob that sends a position; write the mapping by hand (eqmorph learn prints the YAML for a control)`);
  const bindings: RawBinding[] = [{ source: cont[0]!, target: 'alpha', takeover: 'pickup' }];
  if (cont[1] !== undefined) bindings.push({ source: cont[1], target: 'strength', takeover: 'pickup' });
  const connection = c.transport === 'midi' ? { midi: { port: `${c.name}*` } } : { osc: { listen: '127.0.0.1:9000' } };
  return { connection, initial: { term_a: 'warm', term_b: 'bright', alpha: 0, strength: 1, bypass: false }, bindings, from: null };
}

interface Planned {
  readonly channel: number;
  readonly bindings: RawBinding[];
  readonly notes: string[];
}

/**
 * One morph per channel. A single morph keeps the ready mapping's bindings. Several morphs each get their own strip:
 * a per-morph control moves to the strip's control of the same kind (fader1 -> fader2), a row of fixed-word buttons
 * becomes one button per strip that steps through the row's words, `dump` stays on every morph, and any other shared
 * control (swap, presets) drives the first morph only.
 */
function plan(req: InitRequest): Planned[] {
  const { template: t, controller: c } = req;
  if (req.channels.length === 1) return [{ channel: req.channels[0]!, bindings: t.bindings.map((b) => ({ ...b })), notes: [] }];
  const alpha = t.bindings.find((b) => b.target === 'alpha');
  const strips = alpha ? req.channels.findIndex((_, i) => shifted(alpha.source, i, c.controls) === null) : 0;
  if (strips !== -1) {
    const n = Math.max(strips, 1);
    throw new InitError(`${c.name} can drive ${n} morph${n === 1 ? '' : 's'} (one fader for alpha each) and --channels names ${req.channels.length}; name at most ${n}`);
  }
  const used = new Set<string>();
  return req.channels.map((channel, i) => {
    const bindings: RawBinding[] = [];
    const notes: string[] = [];
    const rows = new Map<string, { first: string; words: string[] }>();
    const take = (control: string | null, why: string, make: (control: string) => RawBinding) => {
      if (control === null || used.has(control)) return void notes.push(why);
      used.add(control);
      bindings.push(make(control));
    };
    for (const b of t.bindings) {
      if ((b.target === 'term_a' || b.target === 'term_b') && typeof b.value === 'string' && stripOf(b.source)) {
        const row = rows.get(b.target) ?? { first: b.source, words: [] };
        row.words.push(b.value);
        rows.set(b.target, row);
      } else if (b.target === 'dump') {
        bindings.push({ ...b });
      } else if (PER_MORPH.has(b.target) && stripOf(b.source)) {
        take(shifted(b.source, i, c.controls), `no ${b.target} control: ${b.source} has no counterpart on strip ${i + 1}`, (source) => ({ ...b, source }));
      } else if (i === 0) {
        take(b.source, `${b.source} is already in use`, () => ({ ...b }));
      } else {
        notes.push(`${b.target} (${b.source}) drives the first morph only`);
      }
    }
    for (const [target, row] of rows) {
      take(shifted(row.first, i, c.controls), `no ${target} button: ${row.first} has no free counterpart on strip ${i + 1}`, (source) => ({ source, target, step_through: row.words }));
    }
    return { channel, bindings, notes };
  });
}

/** A YAML scalar: bare where YAML reads it back as the same string or number, quoted otherwise. */
function scalar(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  return /^[A-Za-z_/][\w./:-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) ? s : JSON.stringify(s);
}

function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(', ')} }`;
  return scalar(v);
}

function outputConnection(reach: InitRequest['reach']): Obj {
  if (reach === null) return { midi: { virtual: VIRTUAL_MIDI_OUT } };
  return reach.kind === 'osc' ? { osc: { send: reach.address } } : { rcp: { connect: reach.address } };
}

type Obj = Readonly<Record<string, unknown>>;

/** The mapping file: YAML with comments saying what each part does and what to change. */
export function initMapping(req: InitRequest): string {
  const { controller: c, target: t, template } = req;
  const planned = plan(req);
  const many = planned.length > 1;
  const lines = [
    `# yaml-language-server: $schema=${req.schemaPath}`,
    `# Controller: ${c.name}`,
    `# EQ: ${t.name}${many ? `, one morph per channel (${req.channels.join(', ')})` : ''}`,
    `# Written by eqmorph init${template.from ? ` from the ready mapping "${template.from}"` : ''}; check it with eqmorph validate FILE.`,
    '# Every field is described in docs/profiles.md; eqmorph terms lists the words a morph can use.',
    'version: 1',
    'kind: mapping',
    `name: ${scalar(`${c.name} -> ${t.name}`)}`,
    'inputs:',
    c.transport === 'midi'
      ? `  # The MIDI port is matched by name: exact, 'glob*' or /regex/. eqmorph ports lists the ports it can see.`
      : '  # Where eqmorph listens for the surface (0.0.0.0 listens on every network interface).',
    `  ${INPUT}: ${flow({ profile: req.controllerPath, ...template.connection })}`,
    'outputs:',
    req.reach === null
      ? `  # eqmorph opens a virtual MIDI output called "${VIRTUAL_MIDI_OUT}": connect the EQ's MIDI input to it, or use port: NAME.`
      : `  # Where the EQ listens: change the address to your device's if it is not ${req.reach.address}.`,
    `  ${OUTPUT}: ${flow({ profile: req.targetPath, ...outputConnection(req.reach) })}`,
    '# One morph per instance: index fills {instance} in the target\'s addresses (the channel or bus number).',
    '# Takeover pickup: a control only takes over once it reaches the current value, so nothing jumps.',
    'instances:',
  ];
  for (const p of planned) {
    lines.push(`  - name: ${many ? `ch${p.channel}` : 'main'}`, `    output: ${OUTPUT}`, `    index: ${p.channel}`, `    initial: ${flow(template.initial)}`, '    bindings:');
    for (const n of p.notes) lines.push(`      # not bound: ${n}`);
    for (const b of p.bindings) lines.push(`      - ${flow({ ...b, source: `${INPUT}.${b.source}` })}`);
  }
  lines.push('# On Ctrl-C: hold leaves the EQ as it is; flat sends every gain at 0 dB.', 'on_exit: hold', '');
  return lines.join('\n');
}
