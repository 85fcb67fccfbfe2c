// `eqmorph run`: loads the model and a mapping, opens the transports, and runs the bridge until SIGINT/SIGTERM.

import { watch } from 'node:fs';
import { BehaviorSubject } from 'rxjs';
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR, PACKAGE_ROOT } from '../data/paths.js';
import { CachedDecoder } from '../morph/cached-decoder.js';
import { soundMapFor } from '../model/sound-map-file.js';
import { padEdges } from '../morph/xy-patch.js';
import { closestTerms, lookupTerm } from '../model/vocabulary.js';
import { startBridge, type OscTransport } from '../pipeline/bridge.js';
import { isNativeLayout, targetLayout } from '../morph/band-layout.js';
import { FittedDecoder } from '../morph/fitted-decoder.js';
import type { FeedbackSink } from '../pipeline/feedback.js';
import { parseHostPort } from '../profiles/endpoints.js';
import { loadMapping } from '../profiles/load.js';
import type { HostPort, Mapping, PortMatcher } from '../profiles/types.js';
import { createMidiTransport, loadMidiBackend, type MidiBackend, type MidiPortSelector, type MidiTransportOptions } from '../transports/midi.js';
import type { MidiTransportLike } from '../pipeline/bridge.js';
import { OscUdpTransport } from '../transports/osc-udp.js';
import { DEFAULT_REHEARSAL_MOVES, rehearse } from '../pipeline/rehearse.js';
import { healthLines, transportHealth, watchStatus, type TransportEntry } from '../pipeline/health.js';
import { numberFlag, parseFlags } from './args.js';
import { DEFAULT_NICE, priorityLine, raisePriority } from './priority.js';
import { UsageError } from './errors.js';
import { loadModelOption } from './model-option.js';
import { DEFAULT_WEB, exposureWarning, parseWebAddress, webAccessProblem, type WebAccess } from '../web/access.js';
import type { RunningBridge } from '../web/feed.js';
import { mapView } from '../web/view-model.js';
import { runTransports, startWebMonitor, WebListenError, type WebMonitor } from '../web/monitor.js';
import { withWebSurface } from '../web/surface.js';

export const DEFAULT_MAPPING = resolve(PACKAGE_ROOT, 'mappings', 'default.yaml');

export const RUN_HELP = `eqmorph run [options]

Runs the bridge: control surfaces in (MIDI, OSC), EQ parameters out.

  --mapping FILE        mapping profile (default mappings/default.yaml: OSC in on 127.0.0.1:9000, out to 127.0.0.1:9001)
  --model DIR           model directory (default ${DEFAULT_MODEL_DIR})
  --osc-in [HOST:]PORT  where the mapping's OSC input listens (overrides the mapping)
  --osc-out HOST:PORT   where the mapping's OSC output sends (overrides the mapping)
  --web [HOST:]PORT     where the web monitor listens (default ${DEFAULT_WEB.host}:${DEFAULT_WEB.port}; port 0 = any free port)
  --web-token TOKEN     require this token for the page and its socket (needed for any host other than 127.0.0.1)
  --no-web              do not serve the web monitor
  --rehearse N          alpha moves played through private copies of the bridge on 127.0.0.1 before it starts
                        (default ${DEFAULT_REHEARSAL_MOVES}, about 0.4 s; 0 = none): the first real fader moves are then as
                        quick as later ones. Nothing of it reaches a device.
  --nice N              raise the scheduling priority to this nice value, -20..19 (default ${DEFAULT_NICE}: ahead of ordinary programs);
                        never lowers it; needs root or CAP_SYS_NICE, otherwise eqmorph says so once and runs as it was started
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
  /** Serve the web monitor here; absent or null: no monitor. */
  readonly web?: WebAccess | null;
  /** Alpha moves rehearsed on loopback before the bridge starts (default DEFAULT_REHEARSAL_MOVES; 0: none). */
  readonly rehearse?: number;
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

/** The monitor's address and token from --web, --web-token and --no-web; null when it is off. */
export function webFlags(web: string | undefined, token: string | undefined, off: boolean): WebAccess | null {
  if (off) {
    if (web !== undefined || token !== undefined) throw new UsageError('--no-web turns the monitor off: drop --web and --web-token, or drop --no-web');
    return null;
  }
  const listen = web === undefined ? DEFAULT_WEB : parseWebAddress(web);
  if ('error' in listen) throw new UsageError(`--web: ${listen.error}`);
  return { listen, token: token ?? null };
}

/** Why a mapping cannot run: an output whose band layout is not eqmorph's five and cannot be fitted either. */
export function bandLayoutProblem(mapping: Mapping): string | null {
  for (const [name, output] of mapping.outputs) {
    if (isNativeLayout(output.profile)) continue;
    const layout = targetLayout(output.profile);
    if (!layout.ok) return `output ${name} (${basename(output.profile.file)}): ${layout.problem}; give every band a gain and a freq parameter`;
  }
  return null;
}

/**
 * A fitted decoder for every output whose layout is not eqmorph's five bands. Outputs whose layout did not change
 * keep their decoder (and its fitted tables) across a reload.
 */
export function layoutDecoders(mapping: Mapping, decoder: CachedDecoder, previous?: ReadonlyMap<string, FittedDecoder>): Map<string, FittedDecoder> {
  const out = new Map<string, FittedDecoder>();
  for (const [name, output] of mapping.outputs) {
    if (isNativeLayout(output.profile)) continue;
    const layout = targetLayout(output.profile);
    if (!layout.ok) continue; // bandLayoutProblem refused it already
    const old = previous?.get(name);
    out.set(name, old && JSON.stringify(old.specs) === JSON.stringify(layout.specs) ? old : new FittedDecoder(decoder, layout.specs));
  }
  return out;
}

/** A running bridge and what it opened, so tests and signal handlers can stop it. */
export async function startRun(opts: RunOptions, out: (line: string) => void) {
  const web = opts.web ?? null;
  const webProblem = web && webAccessProblem(web);
  if (webProblem) throw new UsageError(webProblem);
  // The page is one more control surface: its bindings are added to every instance, on start and on each reload.
  const withSurfaces = (m: Mapping) => (web ? withWebSurface(m) : m);
  const model = await loadModelOption(opts.model);
  // The sound map ships beside the model; a model without one (or with a stale one) gets it computed now.
  const soundMap = soundMapFor(model, resolve(opts.model ?? DEFAULT_MODEL_DIR)).map;
  const decoder = new CachedDecoder(model, { soundMap: soundMap.points });
  decoder.map?.prepare();
  const known = [...model.files.terms.keys()];
  // As in decode: hidden words are accepted when named exactly, and only the default vocabulary is suggested.
  const knownTerms = (t: string) => (lookupTerm(t, known).ok ? true : { suggestions: closestTerms(t, model.terms) });
  const mapping: Mapping = await loadMapping(opts.mapping, { knownTerms });
  // Before any socket opens: a refused mapping must not leave ports behind.
  const layoutProblem = bandLayoutProblem(mapping);
  if (layoutProblem) throw new UsageError(layoutProblem);
  out(`eqmorph: model ${model.files.meta.dataset.sha256.slice(0, 12)} (${model.terms.length} terms: ${model.terms.slice(0, 12).join(', ')}${model.terms.length > 12 ? ', ...' : ''})`);
  out(`eqmorph: mapping ${mapping.file} (${mapping.name})`);

  // The monitor listens before any other socket opens: a busy port is reported without leaving ports behind.
  const monitor: WebMonitor | null = web ? await startWebMonitor(web) : null;

  const midi = opts.midiBackend ? ({ ok: true, backend: opts.midiBackend } as const) : loadMidiBackend();
  const usesMidi = [...mapping.inputs.values(), ...mapping.outputs.values()].some((x) => x.connection.transport === 'midi');
  out(midi.ok ? 'eqmorph: MIDI available' : `eqmorph: ${midi.reason}${usesMidi ? ' — the MIDI inputs and outputs of this mapping are skipped; OSC keeps running' : ''}`);

  const oscInputs = new Map<string, OscTransport>();
  const oscOutputs = new Map<string, OscTransport>();
  const midiOutputs = new Map<string, MidiTransportLike>();
  const midiInputs = new Map<string, MidiTransportLike>();
  const feedbackSinks = new Map<string, FeedbackSink>();
  /** Opens one MIDI direction; an absent port is not fatal: the transport reports it and reopens it by name later. */
  const openMidi = async (dir: 'in ' | 'out' | 'fb ', name: string, profile: string, port: { input?: MidiPortSelector; output?: MidiPortSelector }, extra = '') => {
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
      const back = input.connection.outputPort;
      if (back) {
        const fb = await openMidi('fb ', name, input.profile.name, { output: portSelector(back) }, ' (feedback)');
        if (fb) feedbackSinks.set(name, fb);
      }
      continue;
    }
    const bind = (firstIn && opts.oscIn) || input.connection.listen;
    firstIn = false;
    const t = new OscUdpTransport({ name, mode: 'in', bind });
    await t.open();
    oscInputs.set(name, t);
    // The bound port, not the asked-for one, so that a caller who asked for any free port learns which.
    out(`  in  ${name}: OSC udp ${bind.host}:${t.localAddress()?.port ?? bind.port} (${input.profile.name})`);
    const back = input.connection.feedback;
    if (back) {
      const fb = new OscUdpTransport({ name: `${name} feedback`, mode: 'out', remote: back });
      await fb.open();
      feedbackSinks.set(name, fb);
      out(`  fb  ${name}: OSC udp ${back.host}:${back.port} (feedback)`);
    }
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
  let fitted = layoutDecoders(mapping, decoder);
  for (const inst of mapping.instances) {
    const layout = fitted.get(inst.output);
    const fitNote = layout ? `, eqmorph's 5 bands fitted to the target's ${layout.specs.length}` : '';
    out(`  instance ${inst.name} -> ${inst.output}: ${inst.initial.termA} / ${inst.initial.termB}, alpha ${inst.initial.alpha}, strength ${inst.initial.strength}${fitNote}`);
    decoder.prepare(inst.initial.termA, inst.initial.termB);
    layout?.prepare(inst.initial.termA, inst.initial.termB);
    // The pad's edge tables build in the background, so its first move is already a table read.
    if (inst.initial.corners) for (const [a, b] of padEdges(inst.initial.corners)) if (!decoder.ready(a, b)) decoder.decode(a, b, 0);
  }
  const moves = opts.rehearse ?? DEFAULT_REHEARSAL_MOVES;
  if (moves > 0) {
    const r = await rehearse({ mapping: withSurfaces(mapping), decoder, layoutDecoders: fitted, moves });
    if (r.moves > 0) out(`eqmorph: rehearsed ${r.moves} alpha moves on 127.0.0.1 in ${Math.round(r.ms)} ms (warms up the per-event code)`);
  }
  const transports: TransportEntry<OscTransport | MidiTransportLike | FeedbackSink>[] = [
    ...[...oscInputs].map(([name, t]) => ({ name, direction: 'in' as const, transport: t })),
    ...[...midiInputs].map(([name, t]) => ({ name, direction: 'in' as const, transport: t })),
    ...[...oscOutputs].map(([name, t]) => ({ name, direction: 'out' as const, transport: t })),
    ...[...midiOutputs].map(([name, t]) => ({ name, direction: 'out' as const, transport: t })),
    ...[...feedbackSinks].map(([name, t]) => ({ name: `${name} feedback`, direction: 'out' as const, transport: t })),
  ];
  // From here on, every change of a transport's status is news: startup already printed how each one began.
  const statusSub = watchStatus(transports).subscribe((c) => out(`eqmorph: ${c.direction === 'in' ? 'in ' : 'out'} ${c.name}: ${c.status.state}${c.status.detail ? ` — ${c.status.detail}` : ''}`));
  let bridge = startBridge({ mapping: withSurfaces(mapping), decoder, oscInputs, oscOutputs, midiInputs, midiOutputs, feedbackSinks, layoutDecoders: fitted });
  const runs$ = new BehaviorSubject<RunningBridge>({ bridge, mapping: withSurfaces(mapping) });
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
    fitted = layoutDecoders(next, decoder, fitted);
    bridge = startBridge({ mapping: withSurfaces(next), decoder, oscInputs, oscOutputs, midiInputs, midiOutputs, feedbackSinks, initialStates: states, layoutDecoders: fitted });
    logSub = bridge.log$.subscribe((e) => out(`eqmorph: ${e.text}`));
    current = next;
    runs$.next({ bridge, mapping: withSurfaces(next) });
    out(`eqmorph: mapping reloaded (${next.instances.length} instance(s)); morph states kept`);
    return true;
  };

  /** Applies the mapping's on_exit (a final flat EQ, or nothing), then closes every port and socket. */
  const stop = async () => {
    await bridge.finish(current.onExit);
    await monitor?.close();
    runs$.complete();
    statusSub.unsubscribe();
    logSub.unsubscribe();
    bridge.stop();
    await Promise.all(transports.map((e) => e.transport.close()));
  };
  /** Every transport's name, direction, status and counters, and the bridge's counters: for --stats and the web monitor. */
  const health = () => transportHealth(transports, bridge.counters());
  if (monitor) {
    monitor.attach({ runs$, decoder, transports: runTransports(mapping, { oscInputs, oscOutputs, midiInputs, midiOutputs }, midi.ok ? null : midi.reason), map: mapView(soundMap) });
    const warning = exposureWarning(web!);
    if (warning) out(warning);
    out(`eqmorph: web monitor on ${monitor.url}${web!.token !== null ? ' (open it with ?token=YOUR_TOKEN)' : ''}`);
  }
  return { bridge: () => bridge, mapping: () => current, decoder, oscInputs, oscOutputs, midiInputs, midiOutputs, feedbackSinks, stop, reload, health, statusChanges$: watchStatus(transports), web: monitor, layoutDecoders: () => fitted };
}

export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    mapping: { type: 'string' },
    model: { type: 'string' },
    'osc-in': { type: 'string' },
    'osc-out': { type: 'string' },
    web: { type: 'string' },
    'web-token': { type: 'string' },
    'no-web': { type: 'boolean' },
    stats: { type: 'boolean' },
    rehearse: { type: 'string' },
    nice: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const out = (line: string) => process.stdout.write(line + '\n');
  const nice = numberFlag('nice', values.nice, { min: -20, max: 19, integer: true }) ?? DEFAULT_NICE;
  // The process's own priority is the command's business, not startRun's (tests and benches run it in-process).
  const priority = priorityLine(raisePriority(nice));
  if (priority) out(priority);
  const run = await startRun(
    {
      mapping: resolve(values.mapping ?? DEFAULT_MAPPING),
      model: values.model,
      oscIn: hostPortFlag('osc-in', values['osc-in'], { host: '127.0.0.1', port: 9000 }),
      oscOut: hostPortFlag('osc-out', values['osc-out'], { host: '127.0.0.1', port: 9001 }),
      web: webFlags(values.web, values['web-token'], values['no-web'] ?? false),
      rehearse: numberFlag('rehearse', values.rehearse, { min: 0, max: 1_000_000, integer: true }),
    },
    out,
  ).catch((err: unknown) => {
    if (err instanceof WebListenError) return err;
    throw err;
  });
  if (run instanceof WebListenError) {
    process.stderr.write(`eqmorph run: ${run.message}\n`);
    return 1;
  }
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
