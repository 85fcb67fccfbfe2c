// `eqmorph monitor`: opens a mapping's OSC and MIDI inputs and prints every decoded control event (and what could not be decoded).

import { scan, type Subscription } from 'rxjs';
import type { ControlEvent, ControlValue } from '../codecs/control-value.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, type MidiDecodeState } from '../pipeline/decode-midi-control.js';
import { decodeOscControl, oscAddressTable } from '../pipeline/decode-osc-control.js';
import { touchOf } from '../pipeline/encode-feedback.js';
import { loadMapping } from '../profiles/load.js';
import type { MidiControl, OscControl } from '../profiles/types.js';
import { createMidiTransport, loadMidiBackend, type MidiBackend } from '../transports/midi.js';
import { OscUdpTransport } from '../transports/osc-udp.js';
import { printable } from '../codecs/printable.js';
import { parseFlags } from './args.js';
import { resolveMappingOption } from './mapping-option.js';
import { exitAfterStop, untilStopSignal } from './signals.js';
import { portSelector } from './run.js';

export const MONITOR_HELP = `eqmorph monitor [--mapping FILE|NAME]

Listens on the mapping's inputs (OSC and MIDI) and prints each decoded control event: input, control, value kind and
value, raw arguments or bytes. Messages no control matches are printed too, so you can see what a surface really sends;
a touch-sensitive fader's touch is shown as touch/release. Where MIDI is unavailable it says so and monitors OSC.
Ctrl-C stops. (Do not run it beside eqmorph run on the same ports.)
`;

function describe(v: ControlValue): string {
  switch (v.kind) {
    case 'continuous':
      return `continuous ${v.value.toFixed(4)}`;
    case 'discrete':
      return `discrete ${v.step}/${v.max}`;
    case 'relative':
      return `relative ${v.delta > 0 ? '+' : ''}${v.delta}`;
    case 'text':
      return `text "${v.value}"`;
    case 'point':
      return `point ${v.x.toFixed(4)} ${v.y.toFixed(4)}`;
  }
}

const hex = (bytes: readonly number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** The lines for one MIDI message: its decoded events, a touch, or that no control matched it. */
export function describeMidi(input: string, controls: readonly MidiControl[], events: readonly ControlEvent[], bytes: readonly number[]): string[] {
  if (events.length > 0) return events.map((e) => `${input}.${e.control}  ${describe(e.value)}  [${hex(bytes)}]`);
  const touched = controls.flatMap((c) => {
    const t = touchOf(c, bytes);
    return t === null ? [] : [`${input}.${c.id}  ${t ? 'touch' : 'release'}  [${hex(bytes)}]`];
  });
  // A CC that only selects an NRPN parameter or waits for its partner decodes to nothing yet: that is not "unmatched".
  const partial = (bytes[0]! & 0xf0) === 0xb0 && [99, 98, 6, 38].includes(bytes[1]!);
  return touched.length > 0 ? touched : partial ? [] : [`${input}: no control for [${hex(bytes)}]`];
}

export interface MonitorOptions {
  readonly mapping: string;
  /** A MIDI backend to use instead of @julusian/midi (tests inject a fake one). */
  readonly midiBackend?: MidiBackend;
}

/** Opens every input it can; `listening` says how many, so a caller can tell when there is nothing to monitor. */
export async function startMonitor(opts: MonitorOptions, out: (line: string) => void): Promise<{ readonly listening: number; stop(): Promise<void> }> {
  const mapping = await loadMapping(opts.mapping);
  const transports: { close(): Promise<void> }[] = [];
  const subs: Subscription[] = [];
  const usesMidi = [...mapping.inputs.values()].some((i) => i.connection.transport === 'midi');
  const midi = !usesMidi ? null : opts.midiBackend ? ({ ok: true, backend: opts.midiBackend } as const) : loadMidiBackend();
  const oscInputs = [...mapping.inputs.values()].filter((i) => i.connection.transport === 'osc').length;
  if (midi && !midi.ok) out(`${midi.reason} MIDI inputs are not monitored${oscInputs > 0 ? '; OSC inputs are.' : '.'}`);
  for (const [name, input] of mapping.inputs) {
    if (input.connection.transport === 'midi') {
      if (!midi?.ok) continue;
      const controls = input.profile.controls as ReadonlyMap<string, MidiControl>;
      const table = midiControlTable(controls);
      const t = createMidiTransport({ name, input: portSelector(input.connection.port), backend: midi.backend });
      try {
        await t.open();
      } catch (err) {
        out(`${name}: ${(err as Error).message}`);
        continue;
      }
      transports.push(t);
      subs.push(
        t.messages$
          .pipe(
            // 14-bit and NRPN decoding state belongs to this input, as in the bridge.
            scan(
              (acc: { state: MidiDecodeState; lines: string[] }, msg) => {
                const r = decodeMidiControl(acc.state, name, table, msg.bytes, msg.time);
                return { state: r.state, lines: describeMidi(name, [...controls.values()], r.events, msg.bytes) };
              },
              { state: EMPTY_MIDI_STATE, lines: [] as string[] },
            ),
          )
          .subscribe((r) => r.lines.forEach(out)),
      );
      out(`listening: ${name} on MIDI ${JSON.stringify(portSelector(input.connection.port))}`);
      continue;
    }
    const t = new OscUdpTransport({ name, mode: 'in', bind: input.connection.listen });
    await t.open();
    const table = oscAddressTable(input.profile.controls as ReadonlyMap<string, OscControl>);
    subs.push(
      t.messages$.subscribe((msg) => {
        const r = decodeOscControl(name, table, msg);
        const why = { 'unknown-address': 'no control for', 'bad-argument': 'bad argument:', 'out-of-range': 'out of range, ignored:' } as const;
        out(
          r.ok
            ? `${name}.${r.event.control}  ${describe(r.event.value)}${r.clamped ? ' (clamped)' : ''}  [${msg.address} ${msg.args.join(' ')}]`
            : `${name}: ${why[r.reason]} ${r.detail}  [${msg.types} ${msg.args.join(' ')}]`,
        );
      }),
    );
    transports.push(t);
    out(`listening: ${name} on OSC udp ${input.connection.listen.host}:${input.connection.listen.port}`);
  }
  return {
    listening: transports.length,
    stop: async () => {
      subs.forEach((s) => s.unsubscribe());
      await Promise.all(transports.map((t) => t.close()));
    },
  };
}

export async function monitorCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { mapping: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(MONITOR_HELP);
    return 0;
  }
  // Every line quotes what a surface sent: its control characters are escaped before they reach the terminal.
  const monitor = await startMonitor({ mapping: resolveMappingOption(values.mapping) }, (line) => process.stdout.write(printable(line) + '\n'));
  if (monitor.listening === 0) {
    await monitor.stop();
    process.stderr.write("eqmorph monitor: nothing to monitor: none of the mapping's inputs could be opened (see above); fix them, or give a mapping with an OSC input.\n");
    return 1;
  }
  await untilStopSignal();
  await monitor.stop();
  return exitAfterStop(0);
}
