// `eqmorph run`: loads the model and a mapping, opens the transports, and runs the bridge until SIGINT/SIGTERM.

import { watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, PACKAGE_ROOT } from '../data/paths.js';
import { CachedDecoder } from '../morph/cached-decoder.js';
import { closestTerms, lookupTerm } from '../model/vocabulary.js';
import { startBridge, type OscTransport } from '../pipeline/bridge.js';
import { parseHostPort } from '../profiles/endpoints.js';
import { loadMapping } from '../profiles/load.js';
import type { HostPort, Mapping, PortMatcher } from '../profiles/types.js';
import { createMidiTransport, loadMidiBackend, type MidiBackend, type MidiPortSelector, type MidiTransportOptions } from '../transports/midi.js';
import type { MidiTransportLike } from '../pipeline/bridge.js';
import { OscUdpTransport } from '../transports/osc-udp.js';
import { healthLines, transportHealth, watchStatus, type TransportEntry } from '../pipeline/health.js';
import { parseFlags } from './args.js';
import { UsageError } from './errors.js';
import { loadModelOption } from './model-option.js';

export const DEFAULT_MAPPING = resolve(PACKAGE_ROOT, 'mappings', 'default.yaml');

export const RUN_HELP = `eqmorph run [options]

Runs the bridge: control surfaces in (MIDI, OSC), EQ parameters out.

  --mapping FILE        mapping profile (default mappings/default.yaml: OSC in on 127.0.0.1:9000, out to 127.0.0.1:9001)
  --model DIR           model directory (default ${DEFAULT_MODEL_DIR})
  --osc-in [HOST:]PORT  where the mapping's OSC input listens (overrides the mapping)
  --osc-out HOST:PORT   where the mapping's OSC output sends (overrides the mapping)
  --no-web              do not serve the web monitor (accepted; the monitor is not part of this release yet)
  --stats               print health counters every 5 s (per transport: in, out, dropped, errors, reconnects; bridge: events, clamped, ...)

Status changes of every input and output (a port that vanished, a destination that refuses) are printed as they happen.
On SIGINT/SIGTERM the mapping's on_exit is applied (flat: every gain 0 dB is sent to every output; hold: nothing), then
every port and socket is closed.
`;

export interface RunOptions {
  readonly mapping: string;
  readonly model?: string;
  readonly oscIn?: HostPort;
  readonly oscOut?: HostPort;
  /** A MIDI backend to use instead of @julusian/midi (tests inject a fake one). */
  readonly midiBackend?: MidiBackend;
  /** How often MIDI ports are checked, how soon a lost one is retried, and the arrival clock (tests shorten or fix them). */
  readonly midiTiming?: Pick<MidiTransportOptions, 'pollIntervalMs' | 'backoffInitialMs' | 'backoffMaxMs' | 'now'>;
}

/** A profile's port matcher as the MIDI transport's selector. */
export function portSelector(m: PortMatcher): MidiPortSelector {
  switch (m.kind) {
    case 'exact':
      return { name: m.name };
    case 'glob':
      return { pattern: m.pattern };
    case 'regex':
      return { pattern: m.regex };
    case 'virtual':
      return { virtual: m.name };
  }
}

function hostPortFlag(name: string, raw: string | undefined, defaults: HostPort): HostPort | undefined {
  if (raw === undefined) return undefined;
  const hp = parseHostPort(raw, defaults);
  if ('error' in hp) throw new UsageError(`--${name}: ${hp.error}`);
  return hp;
}

/** Why a mapping cannot run in this release: an instance whose target does not have eqmorph's five bands. */
export function bandLayoutProblem(mapping: Mapping): string | null {
  for (const inst of mapping.instances) {
    const bands = mapping.outputs.get(inst.output)!.profile.bands.length;
    if (bands !== 5) return `instance ${inst.name}: output ${inst.output} has ${bands} bands; this release maps eqmorph's 5 bands one to one only`;
  }
  return null;
}

/** A running bridge and what it opened, so tests and signal handlers can stop it. */
export async function startRun(opts: RunOptions, out: (line: string) => void) {
  const model = await loadModelOption(opts.model);
  const decoder = new CachedDecoder(model);
  const known = [...model.files.terms.keys()];
  // As in decode: hidden words are accepted when named exactly, and only the default vocabulary is suggested.
  const knownTerms = (t: string) => (lookupTerm(t, known).ok ? true : { suggestions: closestTerms(t, model.terms) });
  const mapping: Mapping = await loadMapping(opts.mapping, { knownTerms });
  // Before any socket opens: a refused mapping must not leave ports behind.
  const layoutProblem = bandLayoutProblem(mapping);
  if (layoutProblem) throw new UsageError(layoutProblem);
  out(`eqmorph: model ${model.files.meta.dataset.sha256.slice(0, 12)} (${model.terms.length} terms: ${model.terms.slice(0, 12).join(', ')}${model.terms.length > 12 ? ', ...' : ''})`);
  out(`eqmorph: mapping ${mapping.file} (${mapping.name})`);

  const midi = opts.midiBackend ? ({ ok: true, backend: opts.midiBackend } as const) : loadMidiBackend();
  const usesMidi = [...mapping.inputs.values(), ...mapping.outputs.values()].some((x) => x.connection.transport === 'midi');
  out(midi.ok ? 'eqmorph: MIDI available' : `eqmorph: ${midi.reason}${usesMidi ? ' — the MIDI inputs and outputs of this mapping are skipped; OSC keeps running' : ''}`);

  const oscInputs = new Map<string, OscTransport>();
  const oscOutputs = new Map<string, OscTransport>();
  const midiOutputs = new Map<string, MidiTransportLike>();
  const midiInputs = new Map<string, MidiTransportLike>();
  /** Opens one MIDI direction; an absent port is not fatal: the transport reports it and reopens it by name later. */
  const openMidi = async (dir: 'in ' | 'out', name: string, profile: string, port: { input?: MidiPortSelector; output?: MidiPortSelector }, extra = '') => {
    if (!midi.ok) {
      out(`  ${dir} ${name}: MIDI (${profile}) — skipped, MIDI unavailable`);
      return null;
    }
    const t = createMidiTransport({ name, ...port, backend: midi.backend, ...opts.midiTiming });
    await t.open().catch((err: Error) => out(`  ${dir} ${name}: ${err.message}`));
    out(`  ${dir} ${name}: MIDI ${JSON.stringify(port.input ?? port.output)} (${profile})${extra}`);
    return t;
  };
  let firstIn = true;
  let firstOut = true;
  for (const [name, input] of mapping.inputs) {
    if (input.connection.transport === 'midi') {
      const t = await openMidi('in ', name, input.profile.name, { input: portSelector(input.connection.port) });
      if (t) midiInputs.set(name, t);
      continue;
    }
    const bind = (firstIn && opts.oscIn) || input.connection.listen;
    firstIn = false;
    const t = new OscUdpTransport({ name, mode: 'in', bind });
    await t.open();
    oscInputs.set(name, t);
    // The bound port, not the asked-for one, so that a caller who asked for any free port learns which.
    out(`  in  ${name}: OSC udp ${bind.host}:${t.localAddress()?.port ?? bind.port} (${input.profile.name})`);
  }
  for (const [name, output] of mapping.outputs) {
    if (output.connection.transport === 'midi') {
      const budget = output.profile.limits?.bytesPerSecond;
      const t = await openMidi('out', name, output.profile.name, { output: portSelector(output.connection.port) }, budget ? `, ${budget} bytes/s budget` : '');
      if (t) midiOutputs.set(name, t);
      continue;
    }
    const remote = (firstOut && opts.oscOut) || output.connection.send;
    firstOut = false;
    const t = new OscUdpTransport({ name, mode: 'out', remote });
    await t.open();
    oscOutputs.set(name, t);
    out(`  out ${name}: OSC udp ${remote.host}:${remote.port} (${output.profile.name})`);
  }
  for (const inst of mapping.instances) {
    out(`  instance ${inst.name} -> ${inst.output}: ${inst.initial.termA} / ${inst.initial.termB}, alpha ${inst.initial.alpha}, strength ${inst.initial.strength}`);
    decoder.prepare(inst.initial.termA, inst.initial.termB);
  }
  const transports: TransportEntry<OscTransport | MidiTransportLike>[] = [
    ...[...oscInputs].map(([name, t]) => ({ name, direction: 'in' as const, transport: t })),
    ...[...midiInputs].map(([name, t]) => ({ name, direction: 'in' as const, transport: t })),
    ...[...oscOutputs].map(([name, t]) => ({ name, direction: 'out' as const, transport: t })),
    ...[...midiOutputs].map(([name, t]) => ({ name, direction: 'out' as const, transport: t })),
  ];
  // From here on, every change of a transport's status is news: startup already printed how each one began.
  const statusSub = watchStatus(transports).subscribe((c) => out(`eqmorph: ${c.direction === 'in' ? 'in ' : 'out'} ${c.name}: ${c.status.state}${c.status.detail ? ` — ${c.status.detail}` : ''}`));
  let bridge = startBridge({ mapping, decoder, oscInputs, oscOutputs, midiInputs, midiOutputs });
  let logSub = bridge.log$.subscribe((e) => out(`eqmorph: ${e.text}`));
  let current = mapping;

  /**
   * Re-reads the mapping: a valid edit replaces the bindings and keeps every morph state (and the open sockets); an
   * invalid one is reported and the running mapping stays. Endpoint changes need a restart, and are refused as such.
   */
  const reload = async (): Promise<boolean> => {
    let next: Mapping;
    try {
      next = await loadMapping(current.file, { knownTerms });
    } catch (err) {
      out(`eqmorph: mapping not reloaded, the running one stays:\n${(err as Error).message}`);
      return false;
    }
    const layoutProblem = bandLayoutProblem(next);
    if (layoutProblem) {
      out(`eqmorph: mapping not reloaded, the running one stays: ${layoutProblem}`);
      return false;
    }
    const endpoints = (m: Mapping) => JSON.stringify([[...m.inputs].map(([n, i]) => [n, i.connection]), [...m.outputs].map(([n, o]) => [n, o.connection])]);
    if (endpoints(next) !== endpoints(current)) {
      out('eqmorph: mapping not reloaded: its inputs or outputs changed; restart eqmorph run to open them');
      return false;
    }
    const states = bridge.state();
    logSub.unsubscribe();
    bridge.stop();
    bridge = startBridge({ mapping: next, decoder, oscInputs, oscOutputs, midiInputs, midiOutputs, initialStates: states });
    logSub = bridge.log$.subscribe((e) => out(`eqmorph: ${e.text}`));
    current = next;
    out(`eqmorph: mapping reloaded (${next.instances.length} instance(s)); morph states kept`);
    return true;
  };

  /** Applies the mapping's on_exit (a final flat EQ, or nothing), then closes every port and socket. */
  const stop = async () => {
    await bridge.finish(current.onExit);
    statusSub.unsubscribe();
    logSub.unsubscribe();
    bridge.stop();
    await Promise.all(transports.map((e) => e.transport.close()));
  };
  /** Every transport's name, direction, status and counters, and the bridge's counters: for --stats and the web monitor. */
  const health = () => transportHealth(transports, bridge.counters());
  return { bridge: () => bridge, mapping: () => current, decoder, oscInputs, oscOutputs, midiInputs, midiOutputs, stop, reload, health, statusChanges$: watchStatus(transports) };
}

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    mapping: { type: 'string' },
    model: { type: 'string' },
    'osc-in': { type: 'string' },
    'osc-out': { type: 'string' },
    'no-web': { type: 'boolean' },
    stats: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const out = (line: string) => process.stdout.write(line + '\n');
  const run = await startRun(
    {
      mapping: resolve(values.mapping ?? DEFAULT_MAPPING),
      model: values.model,
      oscIn: hostPortFlag('osc-in', values['osc-in'], { host: '127.0.0.1', port: 9000 }),
      oscOut: hostPortFlag('osc-out', values['osc-out'], { host: '127.0.0.1', port: 9001 }),
    },
    out,
  );
  // Editors save in several steps (truncate, write, rename): wait for the file to settle before reading it.
  let reloadTimer: NodeJS.Timeout | null = null;
  const watcher = watch(dirname(run.mapping().file), (_event, file) => {
    if (file !== basename(run.mapping().file)) return;
    if (reloadTimer) clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void run.reload(), 200);
  });
  out('eqmorph: running (Ctrl-C to stop; edits to the mapping are picked up live)');
  const statsTimer = values.stats
    ? setInterval(() => {
        for (const line of healthLines(run.health())) out(line);
      }, 5000)
    : null;
  await new Promise<void>((resolveStop) => {
    const onSignal = () => resolveStop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  if (statsTimer) clearInterval(statsTimer);
  if (reloadTimer) clearTimeout(reloadTimer);
  watcher.close();
  await run.stop();
  out('eqmorph: stopped');
  return 0;
}
