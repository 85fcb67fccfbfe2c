// `eqmorph learn`: waits for a control to move and prints the YAML that describes it and binds it.

import { firstValueFrom, timeout, type Observable } from 'rxjs';
import { classifyMidiSample, type LearnedMidiControl } from '../pipeline/classify-midi.js';
import { parseHostPort, parsePortMatcher } from '../profiles/endpoints.js';
import { createMidiTransport, loadMidiBackend, type MidiBackend } from '../transports/midi.js';
import type { OscInMessage } from '../transports/osc-udp.js';
import { OscUdpTransport } from '../transports/osc-udp.js';
import { parseFlags } from './args.js';
import { UsageError } from './errors.js';
import { portSelector } from './run.js';

export const LEARN_HELP = `eqmorph learn [--osc-in [HOST:]PORT | --midi-in PORT] [--target T] [--timeout S]

Waits for a control to move, then prints a controller-profile control entry and a mapping binding for it, ready to
paste. Keep moving it for a second after it starts (across its whole range for an OSC control; both ways for an
encoder) so its kind can be seen.

  --osc-in [HOST:]PORT  listen for OSC (default 127.0.0.1:9000)
  --midi-in PORT        listen to a MIDI input: exact name, 'glob*' or /regex/, as in mappings; tells 7-bit CC,
                        14-bit CC pairs, NRPN, pitch bend (with its touch note), notes, program changes and the three
                        relative encoder conventions apart
  --target T            what the printed binding drives, so it is ready to paste into an instance's bindings: alpha
                        (default), strength, term_a, term_b, bypass, dump or swap; faders and knobs get pickup
                        takeover, encoders a step
  --timeout S           how many seconds to wait for the first message before giving up with exit code 1
                        (default 60)
`;

const TARGETS = ['alpha', 'strength', 'term_a', 'term_b', 'bypass', 'dump', 'swap'];

/** The mapping binding line for a learned control. */
function bindingYaml(id: string, target: string, relative: boolean): string {
  if (target !== 'alpha' && target !== 'strength') return `{ source: <input>.${id}, target: ${target} }`;
  return relative ? `{ source: <input>.${id}, target: ${target}, step: 0.01 }` : `{ source: <input>.${id}, target: ${target}, takeover: pickup }`;
}

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
  return `# in the controller profile, under controls:\n  ${id}: { osc: ${osc} }\n# in the mapping, under an instance's bindings:\n  - ${bindingYaml(id, target, false)}\n`;
}

/** The YAML for a learned MIDI control (channels written 1..16, as profiles take them). */
export function learnedMidiYaml(c: LearnedMidiControl, target: string): string {
  const m = c.midi;
  const ch = m.channel + 1;
  const rel = 'relative' in m && m.relative ? `, relative: ${m.relative}` : '';
  let id: string;
  let midi: string;
  switch (m.type) {
    case 'cc':
      [id, midi] = [`cc${m.number}_ch${ch}`, `{ type: cc, channel: ${ch}, number: ${m.number}${rel} }`];
      break;
    case 'cc14':
      [id, midi] = [`cc${m.msb}_14bit_ch${ch}`, `{ type: cc14, channel: ${ch}, number: ${m.msb} }`];
      break;
    case 'nrpn':
      [id, midi] = [`nrpn${m.number}_ch${ch}`, `{ type: nrpn, channel: ${ch}, number: ${m.number}, bits: ${m.bits}${rel} }`];
      break;
    case 'pitchbend':
      [id, midi] = [`fader_ch${ch}`, `{ type: pitchbend, channel: ${ch} }`];
      break;
    case 'note':
      [id, midi] = [`note${m.number}_ch${ch}`, `{ type: note, channel: ${ch}, number: ${m.number} }`];
      break;
    case 'program':
      [id, midi] = [`program_ch${ch}`, `{ type: program, channel: ${ch} }`];
      break;
  }
  const touch = c.touch ? `, touch: { type: note, channel: ${c.touch.channel + 1}, number: ${c.touch.number} }` : '';
  const note = c.note ? `# note: ${c.note}\n` : '';
  return `${note}# in the controller profile, under controls:\n  ${id}: { midi: ${midi}${touch} }\n# in the mapping, under an instance's bindings:\n  - ${bindingYaml(id, target, rel !== '')}\n`;
}

/** Waits for the first message, then collects for `sampleMs` more; null when nothing came in time. */
async function sample<T>(messages$: Observable<T>, seconds: number, sampleMs: number): Promise<T[] | null> {
  const seen: T[] = [];
  const sub = messages$.subscribe((m) => seen.push(m));
  try {
    await firstValueFrom(messages$.pipe(timeout(seconds * 1000)));
  } catch {
    sub.unsubscribe();
    return null;
  }
  await new Promise((r) => setTimeout(r, sampleMs));
  sub.unsubscribe();
  return seen;
}

export interface LearnMidiOptions {
  readonly port: string;
  readonly target: string;
  readonly seconds: number;
  /** How long to keep listening after the first message (default 1 s). */
  readonly sampleMs?: number;
  /** A MIDI backend to use instead of @julusian/midi (tests inject a fake one). */
  readonly backend?: MidiBackend;
}

/** `learn --midi-in`: 0 with the YAML printed, 1 when MIDI is unavailable or nothing (recognisable) arrived. */
export async function learnMidi(opts: LearnMidiOptions, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const matcher = parsePortMatcher(opts.port);
  if ('error' in matcher) throw new UsageError(`--midi-in: ${matcher.error}`);
  const midi = opts.backend ? ({ ok: true, backend: opts.backend } as const) : loadMidiBackend();
  if (!midi.ok) {
    err(`eqmorph learn: ${midi.reason}\n`);
    return 1;
  }
  const t = createMidiTransport({ name: 'learn', input: portSelector(matcher), backend: midi.backend });
  try {
    await t.open();
  } catch (e) {
    err(`eqmorph learn: ${(e as Error).message}\n`);
    return 1;
  }
  // An absent port is not fatal: the transport opens it when it appears within the wait.
  const status = await firstValueFrom(t.status$);
  if (status.state === 'error') err(`eqmorph learn: ${status.detail ?? 'port not open'} (waiting for it)\n`);
  out(`waiting for a MIDI control on ${opts.port} (${opts.seconds} s)...\n`);
  const seen = await sample(t.messages$, opts.seconds, opts.sampleMs ?? 1000);
  await t.close();
  if (!seen) {
    err(`nothing arrived on MIDI input ${opts.port} within ${opts.seconds} s; check the port name with eqmorph ports\n`);
    return 1;
  }
  const learned = classifyMidiSample(seen.map((m) => m.bytes));
  if (!learned) {
    err(`eqmorph learn: only system messages arrived (clock, SysEx); move a fader, knob or button\n`);
    return 1;
  }
  out(learnedMidiYaml(learned, opts.target));
  return 0;
}

export async function learnCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    'osc-in': { type: 'string' },
    'midi-in': { type: 'string' },
    target: { type: 'string' },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(LEARN_HELP);
    return 0;
  }
  const target = values.target ?? 'alpha';
  if (!TARGETS.includes(target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}; got "${target}"`);
  const seconds = Number(values.timeout ?? 60);
  if (!(seconds > 0)) throw new UsageError(`--timeout must be a number of seconds above 0; got "${values.timeout}"`);
  const write = (s: string) => process.stdout.write(s);
  const warn = (s: string) => process.stderr.write(s);
  if (values['midi-in'] !== undefined) {
    if (values['osc-in'] !== undefined) throw new UsageError('give --osc-in or --midi-in, not both');
    return learnMidi({ port: values['midi-in'], target, seconds }, write, warn);
  }
  const bind = parseHostPort(values['osc-in'] ?? '127.0.0.1:9000', { host: '127.0.0.1', port: 9000 });
  if ('error' in bind) throw new UsageError(`--osc-in: ${bind.error}`);
  const t = new OscUdpTransport({ name: 'learn', mode: 'in', bind });
  await t.open();
  write(`waiting for an OSC control on ${bind.host}:${bind.port} (${seconds} s)...\n`);
  const seen = await sample(t.messages$, seconds, 1000);
  await t.close();
  if (!seen) {
    warn(`nothing arrived on ${bind.host}:${bind.port} within ${seconds} s\n`);
    return 1;
  }
  write(learnedOscYaml(seen, target));
  return 0;
}
