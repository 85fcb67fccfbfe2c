// `eqmorph run`: loads the model and a mapping, opens the transports, and runs the bridge until SIGINT/SIGTERM.

import { watch } from 'node:fs';
import { BehaviorSubject } from 'rxjs';
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { CachedDecoder } from '../morph/cached-decoder.js';
import { soundMapFor } from '../model/sound-map-file.js';
import { padEdges } from '../morph/xy-patch.js';
import { startBridge, type OscTransport } from '../pipeline/bridge.js';
import { isNativeLayout, targetLayout } from '../morph/band-layout.js';
import { FittedDecoder, type FittedDecoderOptions } from '../morph/fitted-decoder.js';
import { BuildScheduler } from '../morph/build-scheduler.js';
import { FitPool } from '../morph/fit-pool.js';
import { afterWorkerStart } from './heap-settings.js';
import { defaultCacheDir, modelHash, TableCache } from '../morph/table-cache.js';
import type { FeedbackSink } from '../pipeline/feedback.js';
import { parseHostPort } from '../profiles/endpoints.js';
import { loadMapping } from '../profiles/load.js';
import { loadMappingOffThread } from '../profiles/load-off-thread.js';
import type { HostPort, Mapping, PortMatcher } from '../profiles/types.js';
import { createMidiTransport, loadMidiBackend, type MidiBackend, type MidiPortSelector, type MidiTransportOptions } from '../transports/midi.js';
import type { MidiTransportLike } from '../pipeline/bridge.js';
import { OscUdpTransport, resolveHost } from '../transports/osc-udp.js';
import { RcpTcpTransport } from '../transports/rcp-tcp.js';
import { DEFAULT_REHEARSAL_MOVES, rehearse } from '../pipeline/rehearse.js';
import { healthLines, transportHealth, watchStatus, withDeskEdits, type TransportEntry } from '../pipeline/health.js';
import { numberFlag, parseFlags } from './args.js';
import { DEFAULT_NICE, DEFAULT_REALTIME, raisePriority, raiseToRealtime, schedulingLine } from './priority.js';
import { UsageError } from './errors.js';
import { exitAfterStop, untilStopSignal } from './signals.js';
import { loadModelOption, mappingTerms } from './model-option.js';
import { DEFAULT_WEB, exposureWarning, parseWebAddress, webAccessProblem, type WebAccess } from '../web/access.js';
import type { RunningBridge } from '../web/feed.js';
import { mapView } from '../web/view-model.js';
import { runTransports, startWebMonitor, WebListenError, type WebMonitor } from '../web/monitor.js';
import { webStatsLine } from '../web/page-sockets.js';
import { withWebSurface } from '../web/surface.js';
import { resolveMappingOption } from './mapping-option.js';
import { printable } from '../codecs/printable.js';

export { DEFAULT_MAPPING } from './mapping-option.js';

export const RUN_HELP = `eqmorph run [options]

Runs the bridge: control surfaces in (MIDI, OSC), EQ parameters out.

  --mapping FILE|NAME   a mapping file, or a shipped mapping by name (eqmorph mappings lists them; default: default,
                        OSC in on 127.0.0.1:9000, out to 127.0.0.1:9001)
  --model DIR           model directory (default ${DEFAULT_MODEL_DIR})
  --osc-in [HOST:]PORT  where the mapping's OSC input listens (overrides the mapping)
  --osc-out HOST:PORT   where the mapping's OSC output sends (overrides the mapping)
  --web [HOST:]PORT     where the web monitor listens (default ${DEFAULT_WEB.host}:${DEFAULT_WEB.port}; port 0 = any free port)
  --web-token TOKEN     require this token for the page and its socket (needed for any host other than 127.0.0.1)
  --web-allow-host NAME a host name the page may be opened under besides loopback names, IP addresses and the --web
                        host (repeatable; e.g. the machine's DNS name). Requests naming any other host are refused (403)
  --no-web              do not serve the web monitor
  --rehearse N          alpha moves played through private copies of the bridge on 127.0.0.1 as it starts
                        (default ${DEFAULT_REHEARSAL_MOVES}, about 0.4 s beside the running bridge; 0 = none): the fader
                        moves after it are as quick as later ones. Nothing of it reaches a device. It plays one channel of
                        each kind; with fitted outputs (a desk) it stops as soon as a real control is moved.
  --no-cache            build every fitted table afresh, and keep none (default: kept in $XDG_CACHE_HOME/eqmorph or
                        ~/.cache/eqmorph, by model, band layout and term pair, so the next start of the same show is ready at once)
  --fit-workers N       worker threads that fit tables for targets with their own band layout (default 1; 0 = on the
                        main thread, in slices between fader events)
  --nice N              raise the scheduling priority to this nice value, -20..19 (default ${DEFAULT_NICE}: ahead of ordinary programs);
                        never lowers it; needs root or CAP_SYS_NICE, otherwise eqmorph says so once and runs as it was started
  --realtime N          round-robin realtime priority, 1..99, for the threads that carry fader moves (Linux, 2 cores or more;
                        default ${DEFAULT_REALTIME}: ahead of every ordinary program, behind audio servers; 0 = none). Table fitting
                        stays ordinary. Needs root, CAP_SYS_NICE or an "rtprio" limit, and util-linux's chrt. The
                        environment variable EQMORPH_REALTIME sets the default
  --stats               print health counters every 5 s (per transport: in, out, dropped, errors, reconnects, and desk edits
                        on an output whose desk reports them; bridge: events, clamped, ...)

Status changes of every input and output (a port that vanished, a destination that refuses) are printed as they happen.
On SIGINT, SIGTERM or SIGHUP the mapping's on_exit is applied (flat: every gain 0 dB is sent to every output; hold: nothing), then
every port and socket is closed, and eqmorph exits 0. Signals that come while it stops are ignored.
Errors are one line; --debug adds the stack trace.
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
  /** Keep fitted tables on disk (default true), in `cacheDir` (default defaultCacheDir()). */
  readonly cache?: boolean;
  readonly cacheDir?: string;
  /** Worker threads fitting tables (default DEFAULT_FIT_WORKERS; 0: slices on the main thread). */
  readonly fitWorkers?: number;
}

/**
 * One worker: on two cores the other is the bridge's, and a second worker only competes with it for the CPU (the
 * desk benchmark, bench/desk.ts, measures both).
 */
export const DEFAULT_FIT_WORKERS = 1;

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
export function webFlags(web: string | undefined, token: string | undefined, off: boolean, allowHosts: readonly string[] = []): WebAccess | null {
  if (off) {
    if (web !== undefined || token !== undefined || allowHosts.length > 0) throw new UsageError('--no-web turns the monitor off: drop --web, --web-token and --web-allow-host, or drop --no-web');
    return null;
  }
  const listen = web === undefined ? DEFAULT_WEB : parseWebAddress(web);
  if ('error' in listen) throw new UsageError(`--web: ${listen.error}`);
  const bad = allowHosts.find((h) => !/^[a-z0-9.-]+$/i.test(h));
  if (bad !== undefined) throw new UsageError(`--web-allow-host: "${bad}" is not a host name; give a name like mixer-pc.local`);
  return { listen, token: token ?? null, allowHosts };
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
export function layoutDecoders(mapping: Mapping, decoder: CachedDecoder, previous?: ReadonlyMap<string, FittedDecoder>, opts: FittedDecoderOptions = { scheduler: decoder.scheduler }): Map<string, FittedDecoder> {
  const out = new Map<string, FittedDecoder>();
  for (const [name, output] of mapping.outputs) {
    if (isNativeLayout(output.profile)) continue;
    const layout = targetLayout(output.profile);
    if (!layout.ok) continue; // bandLayoutProblem refused it already
    const old = previous?.get(name);
    out.set(name, old && JSON.stringify(old.specs) === JSON.stringify(layout.specs) ? old : new FittedDecoder(decoder, layout.specs, opts));
  }
  return out;
}

/**
 * Says at start how many fitted tables came from the disk cache, and once every instance's table is built, how long
 * it took (a desk's worth of fits takes seconds; until then a pair is answered by one fit per event).
 */
function tableLines(mapping: Mapping, decoder: CachedDecoder, fitted: ReadonlyMap<string, FittedDecoder>, opts: FittedDecoderOptions, cacheDir: string, out: (line: string) => void): void {
  if (fitted.size === 0) return;
  const t0 = performance.now();
  const fromCache = [...fitted.values()].reduce((n, f) => n + f.counts.fromCache, 0);
  const wanted = mapping.instances.map((i) => ({ layout: fitted.get(i.output), termA: i.initial.termA, termB: i.initial.termB }));
  const fittedCount = wanted.filter((w) => w.layout).length;
  out(
    opts.cache
      ? `eqmorph: ${fromCache} of ${fittedCount} fitted tables read from the cache (${cacheDir}); ${fittedCount - fromCache} to build in the background`
      : `eqmorph: cache off (--no-cache); ${fittedCount} fitted tables to build in the background`,
  );
  const ready = () => wanted.every((w) => (w.layout ? w.layout.ready(w.termA, w.termB) : decoder.ready(w.termA, w.termB)));
  if (ready()) return out(`eqmorph: all tables ready`);
  const timer = setInterval(() => {
    if (!ready()) return;
    clearInterval(timer);
    out(`eqmorph: all tables ready after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }, 50);
  timer.unref();
}

/** True where some output of the mapping has a band layout of its own (its tables are fitted). */
function bandLayoutsFitted(mapping: Mapping): boolean {
  return [...mapping.outputs.values()].some((o) => !isNativeLayout(o.profile));
}

/** A running bridge and what it opened, so tests and signal handlers can stop it. */
export async function startRun(opts: RunOptions, out: (line: string) => void) {
  const web = opts.web ?? null;
  const webProblem = web && webAccessProblem(web);
  if (webProblem) throw new UsageError(webProblem);
  // The page is one more control surface: its bindings are added to every instance, on start and on each reload.
  const withSurfaces = (m: Mapping) => (web ? withWebSurface(m) : m);
  const model = await loadModelOption(opts.model);
  // One queue for every table built in the background, 5-band and fitted, of every instance and output.
  const scheduler = new BuildScheduler();
  // The sound map ships beside the model; a model without one (or with a stale one) gets it computed now.
  const modelDir = resolve(opts.model ?? DEFAULT_MODEL_DIR);
  const soundMap = soundMapFor(model, modelDir).map;
  const workers = opts.fitWorkers ?? DEFAULT_FIT_WORKERS;
  const pool =
    workers > 0
      ? new FitPool(workers, afterWorkerStart, {
          onBroken: (err) => out(`eqmorph: the background fitting threads could not start (${printable(err.message.split('\n')[0]!)}); desk tables are fitted on the main thread instead: they take longer to be ready, the sound is the same`),
        })
      : null;
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const known = model.allTerms;
  const knownTerms = mappingTerms(model, known);
  const mapping: Mapping = await loadMapping(opts.mapping, { knownTerms });
  // Before any socket opens: a refused mapping must not leave ports behind.
  const layoutProblem = bandLayoutProblem(mapping);
  if (layoutProblem) throw new UsageError(layoutProblem);
  // The workers start while nothing else runs: a worker's start resets V8's young-generation setting until it is online,
  // and the start's allocations meanwhile grew the young generation to 8-16 MB (see heap-settings.ts).
  if (pool && bandLayoutsFitted(mapping)) await pool.start();
  // A desk's new pairs are decoded and shaped in the pool's workers too (see CachedDecoder's pool); a mapping without
  // fitted outputs builds its few tables in the scheduler's slices and starts no worker (about 17 MB each).
  const decoder = new CachedDecoder(model, { scheduler, soundMap: soundMap.points, pool: bandLayoutsFitted(mapping) ? pool : null });
  // The sound map's grid is built at start only where it will be played (the page shows it; a mapping binds it);
  // elsewhere its first use builds it.
  if (web || mapping.instances.some((i) => i.bindings.some((b) => b.target === 'map'))) decoder.map?.prepare();
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
    const t = new OscUdpTransport({ name, mode: 'in', bind, onReaderStart: afterWorkerStart });
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
    if (output.connection.transport === 'rcp') {
      const t = new RcpTcpTransport({ name, remote: output.connection.connect });
      await t.open();
      oscOutputs.set(name, t);
      out(`  out ${name}: Yamaha remote control, tcp ${output.connection.connect.host}:${output.connection.connect.port} (${output.profile.name})${output.onDeskEdit ? `, desk edits: ${output.onDeskEdit}` : ''}`);
      continue;
    }
    const remote = (firstOut && opts.oscOut) || output.connection.send;
    firstOut = false;
    // A desk that reports edits answers the port it was sent from: such an output listens on its sending socket.
    const listens = output.onDeskEdit !== undefined;
    const t = new OscUdpTransport({ name, mode: listens ? 'both' : 'out', remote, ...(output.connection.listen ? { bind: output.connection.listen } : {}) });
    await t.open();
    oscOutputs.set(name, t);
    out(`  out ${name}: OSC udp ${remote.host}:${remote.port} (${output.profile.name})${listens ? `, desk edits: ${output.onDeskEdit}` : ''}`);
  }
  // The model's fingerprint (a hash of its 2 MB of files) only where a mapping has fitted outputs to cache.
  const cache = bandLayoutsFitted(mapping) && opts.cache !== false ? { store: new TableCache({ dir: cacheDir }), model: modelHash(modelDir) } : null;
  const fitOpts: FittedDecoderOptions = { scheduler, pool, cache };
  let fitted = layoutDecoders(mapping, decoder, undefined, fitOpts);
  for (const inst of mapping.instances) {
    const layout = fitted.get(inst.output);
    const fitNote = layout ? `, eqmorph's 5 bands fitted to the target's ${layout.specs.length}` : '';
    out(`  instance ${inst.name} -> ${inst.output}: ${inst.initial.termA} / ${inst.initial.termB}, alpha ${inst.initial.alpha}, strength ${inst.initial.strength}${fitNote}`);
    // A fitted output needs eqmorph's table only to fit it, in the background. A native one reads it from the first
    // event; one that starts at an end of its pair is built just after the start snapshot (below).
    if (layout) layout.prepare(inst.initial.termA, inst.initial.termB, inst.initial.alpha);
    else if (inst.initial.alpha > 0 && inst.initial.alpha < 1) decoder.prepare(inst.initial.termA, inst.initial.termB);
    // The pad's edge tables build in the background, so its first move is already a table read.
    if (inst.initial.corners) for (const [a, b] of padEdges(inst.initial.corners)) decoder.request(a, b);
  }
  tableLines(mapping, decoder, fitted, fitOpts, cacheDir, out);
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
  // The start snapshot does not wait for the tables of pairs that start at an end: there a pair's first answer is one
  // decode, the table's own end. It goes out on the next turn; those tables are built on the turn after it (about
  // 0.15 s), before the rehearsal plays them and before startRun returns, so the first fader move reads one.
  const moves = opts.rehearse ?? DEFAULT_REHEARSAL_MOVES;
  if (moves > 0) scheduler.pause();
  await new Promise((r) => setImmediate(r));
  for (const inst of mapping.instances) if (!fitted.has(inst.output)) decoder.prepare(inst.initial.termA, inst.initial.termB);

  // The rehearsal runs beside the real bridge, which has already sent its start snapshot and serves the faders: a real
  // move waits for one rehearsed move at most, where waiting for the whole rehearsal delayed the start by ~0.4 s.
  let rehearsal: Promise<void> = Promise.resolve();
  let stopping = false;
  if (moves > 0) {
    // Fitted outputs rehearse on a stand-in table: their own are still being built, and an interim fit per move would
    // cost a millisecond each and reorder the build queue. Background builds wait meanwhile (paused above).
    const standIns = new Map([...fitted].map(([name, f]) => [name, f.standIn()]));
    // Where tables are fitted (a desk), the rehearsal ends once the real bridge is played: each call says whether it
    // took events since the last. A desk's first second is busy enough without it (its channels' starts, the workers'
    // replies); a plain mapping's rehearsal is short, and its moves were measured beside real ones (docs/performance.md).
    // Any rehearsal ends at once when eqmorph stops: a signal during the start no longer waits for it (about a second).
    const desk = fitted.size > 0;
    let seen = 0;
    const played = () => {
      const events = bridge.counters().events;
      const moved = events !== seen;
      seen = events;
      return moved;
    };
    rehearsal = rehearse({ mapping: withSurfaces(mapping), decoder, layoutDecoders: standIns, moves, endWhen: () => stopping || (desk && played()) })
      .then((r) => {
        if (r.moves > 0 && !stopping) out(`eqmorph: rehearsed ${r.moves} alpha moves on 127.0.0.1 in ${Math.round(r.ms)} ms (warms up the per-event code)`);
      })
      .catch((err: Error) => out(`eqmorph: rehearsal skipped: ${err.message}`))
      .finally(() => scheduler.resume());
  }

  /**
   * Re-reads the mapping: a valid edit replaces the bindings and keeps every morph state (and the open sockets); an
   * invalid one is reported and the running mapping stays. Endpoint changes need a restart, and are refused as such.
   */
  const reloadOnce = async (): Promise<boolean> => {
    let next: Mapping;
    try {
      // In a worker: a big or slow file must not hold up the fader while it is parsed.
      next = await loadMappingOffThread(current.file, { known, suggest: model.terms });
    } catch (err) {
      out(`eqmorph: mapping not reloaded, the running one stays:\n${(err as Error).message.split('\n').map(printable).join('\n')}`);
      return false;
    }
    const layoutProblem = bandLayoutProblem(next);
    if (layoutProblem) {
      out(`eqmorph: mapping not reloaded, the running one stays: ${layoutProblem}`);
      return false;
    }
    // Who may send (allow:) is the bridge's business and changes live; the sockets' addresses need a restart.
    const endpoints = (m: Mapping) => JSON.stringify([[...m.inputs].map(([n, i]) => [n, { ...i.connection, allow: undefined }]), [...m.outputs].map(([n, o]) => [n, o.connection])]);
    if (endpoints(next) !== endpoints(current)) {
      out('eqmorph: mapping not reloaded: its inputs or outputs changed; restart eqmorph run to open them');
      return false;
    }
    const states = bridge.state();
    logSub.unsubscribe();
    bridge.stop();
    fitted = layoutDecoders(next, decoder, fitted, fitOpts);
    bridge = startBridge({ mapping: withSurfaces(next), decoder, oscInputs, oscOutputs, midiInputs, midiOutputs, feedbackSinks, initialStates: states, layoutDecoders: fitted });
    logSub = bridge.log$.subscribe((e) => out(`eqmorph: ${e.text}`));
    current = next;
    runs$.next({ bridge, mapping: withSurfaces(next) });
    out(`eqmorph: mapping reloaded (${next.instances.length} instance(s)); morph states kept`);
    return true;
  };
  // One reload at a time, in the order asked: a slow parse must not let an older file replace a newer one.
  let reloads: Promise<unknown> = Promise.resolve();
  const reload = (): Promise<boolean> => {
    const next = reloads.then(reloadOnce, reloadOnce);
    reloads = next;
    return next;
  };

  /** Applies the mapping's on_exit (a final flat EQ, or nothing), then closes every port and socket. */
  const stop = async () => {
    stopping = true;
    await rehearsal;
    await bridge.finish(current.onExit);
    await monitor?.close();
    runs$.complete();
    statusSub.unsubscribe();
    logSub.unsubscribe();
    bridge.stop();
    await Promise.all(transports.map((e) => e.transport.close()));
    await pool?.close();
    // Tables fitted up to now are kept for the next start.
    await cache?.store.flush();
  };
  /** Every transport's name, direction, status and counters, and the bridge's counters: for --stats and the web monitor. */
  // An output whose desk reports edits counts them with its transport's counters (`deskEdits`), for both views.
  const deskEdits = (name: string) => () => bridge.deskCounters().get(name)?.edits;
  const health = () => transportHealth(transports.map((e) => (e.direction === 'out' ? { ...e, transport: withDeskEdits(e.transport, deskEdits(e.name)) } : e)), bridge.counters());
  if (monitor) {
    const monitored = runTransports(mapping, { oscInputs, oscOutputs, midiInputs, midiOutputs }, midi.ok ? null : midi.reason).map((e) => (e.role === 'out' ? { ...e, transport: withDeskEdits(e.transport, deskEdits(e.name)) } : e));
    monitor.attach({ runs$, decoder, transports: monitored, map: mapView(soundMap) });
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
    'web-allow-host': { type: 'string', multiple: true },
    stats: { type: 'boolean' },
    rehearse: { type: 'string' },
    'no-cache': { type: 'boolean' },
    'fit-workers': { type: 'string' },
    nice: { type: 'string' },
    realtime: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const out = (line: string) => process.stdout.write(line + '\n');
  // Listening from the start: a signal while the model loads or the rehearsal runs stops eqmorph cleanly after start-up,
  // instead of killing it half-way with the signal's default action.
  const stopSignal = untilStopSignal((signal) => out(`eqmorph: ${signal} while stopping; already stopping`));
  const nice = numberFlag('nice', values.nice, { min: -20, max: 19, integer: true }) ?? DEFAULT_NICE;
  const fromEnv = values.realtime === undefined && process.env['EQMORPH_REALTIME'] !== undefined;
  const realtime = numberFlag(fromEnv ? 'realtime (from EQMORPH_REALTIME)' : 'realtime', values.realtime ?? process.env['EQMORPH_REALTIME'], { min: 0, max: 99, integer: true }) ?? DEFAULT_REALTIME;
  // The process's own priority is the command's business, not startRun's (tests and benches run it in-process). Before
  // any thread starts: threads inherit it.
  const scheduling = schedulingLine(raisePriority(nice), await raiseToRealtime(realtime));
  if (scheduling) out(scheduling);
  const oscOut = hostPortFlag('osc-out', values['osc-out'], { host: '127.0.0.1', port: 9001 });
  // A name typed on the command line that does not resolve is a typo until shown otherwise: said now, exit 2. (A name
  // in a mapping is retried instead: the device may come up later.)
  if (oscOut) {
    const found = await resolveHost(oscOut.host);
    if ('error' in found) throw new UsageError(`--osc-out: the host name "${oscOut.host}" could not be resolved; check the spelling or use an IP address`);
  }
  const run = await startRun(
    {
      mapping: resolveMappingOption(values.mapping),
      model: values.model,
      oscIn: hostPortFlag('osc-in', values['osc-in'], { host: '127.0.0.1', port: 9000 }),
      oscOut,
      web: webFlags(values.web, values['web-token'], values['no-web'] ?? false, values['web-allow-host']),
      rehearse: numberFlag('rehearse', values.rehearse, { min: 0, max: 1_000_000, integer: true }),
      cache: !values['no-cache'],
      fitWorkers: numberFlag('fit-workers', values['fit-workers'], { min: 0, max: 8, integer: true }),
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
  // Every 5 s; EQMORPH_STATS_MS changes it (a test of --stats waits for the first print).
  const statsTimer = values.stats
    ? setInterval(() => {
        for (const line of healthLines(run.health())) out(line);
        if (run.web) out(webStatsLine(run.web.counters()));
      }, Number(process.env.EQMORPH_STATS_MS) || 5000)
    : null;
  await stopSignal;
  if (statsTimer) clearInterval(statsTimer);
  if (reloadTimer) clearTimeout(reloadTimer);
  watcher.close();
  await run.stop();
  out('eqmorph: stopped');
  return exitAfterStop(0);
}
