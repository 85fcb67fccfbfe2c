// MIDI in and out over an injectable port backend (@julusian/midi by default): port choice by name or pattern, reopen when a port returns.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  asyncScheduler,
  concat,
  defer,
  filter,
  interval,
  map,
  NEVER,
  of,
  retry,
  Subject,
  take,
  timer,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { oneLine, TransportClosedError, TransportError, TransportUnavailableError } from './errors.js';
import { CounterCell, StatusCell, type Transport, type TransportCounters, type TransportStatus } from './transport.js';

/** The methods eqmorph uses of a @julusian/midi `Input`; a test can supply its own (see midi-fake.ts). */
export interface MidiInputPort {
  getPortCount(): number;
  getPortName(index: number): string;
  openPort(index: number): void;
  openVirtualPort(name: string): void;
  closePort(): void;
  isPortOpen(): boolean;
  ignoreTypes(sysex: boolean, timing: boolean, activeSensing: boolean): void;
  on(event: 'message', listener: (deltaTime: number, bytes: number[]) => void): unknown;
  off(event: 'message', listener: (deltaTime: number, bytes: number[]) => void): unknown;
  destroy?(): void;
}

/** The methods eqmorph uses of a @julusian/midi `Output`. */
export interface MidiOutputPort {
  getPortCount(): number;
  getPortName(index: number): string;
  openPort(index: number): void;
  openVirtualPort(name: string): void;
  closePort(): void;
  isPortOpen(): boolean;
  sendMessage(bytes: number[]): void;
  destroy?(): void;
}

/** Makes port objects. Each object can list the ports of its direction and open one of them. */
export interface MidiBackend {
  createInput(): MidiInputPort;
  createOutput(): MidiOutputPort;
}

export type MidiBackendLoad = { readonly ok: true; readonly backend: MidiBackend } | { readonly ok: false; readonly reason: string };

const ALSA_SEQ = '/dev/snd/seq';

/**
 * Loads @julusian/midi on first use (it is a native CommonJS module) and checks that it can create a port object.
 * Never throws: on a machine without MIDI it says why in one line. On Linux the ALSA sequencer device is checked first,
 * because the native library prints its own failure to stderr when it is missing.
 */
export function loadMidiBackend(): MidiBackendLoad {
  if (process.platform === 'linux' && !existsSync(ALSA_SEQ)) {
    return { ok: false, reason: `MIDI unavailable: no ALSA sequencer (${ALSA_SEQ} missing); load the snd-seq kernel module or run where ALSA MIDI is available.` };
  }
  try {
    const require = createRequire(import.meta.url);
    const midi = require('@julusian/midi') as {
      verifyLibraryLoaded?: () => void;
      Input: new () => MidiInputPort;
      Output: new () => MidiOutputPort;
    };
    midi.verifyLibraryLoaded?.();
    const probe = new midi.Input();
    probe.getPortCount();
    probe.destroy?.();
    return { ok: true, backend: { createInput: () => new midi.Input(), createOutput: () => new midi.Output() } };
  } catch (err) {
    return { ok: false, reason: `MIDI unavailable: ${oneLine(err)}.` };
  }
}

export type MidiPortList = { readonly ok: true; readonly inputs: string[]; readonly outputs: string[] } | { readonly ok: false; readonly reason: string };

/** The names of the MIDI ports present now, for `eqmorph ports`. Never throws. */
export function listMidiPorts(backend?: MidiBackend): MidiPortList {
  let b = backend;
  if (!b) {
    const loaded = loadMidiBackend();
    if (!loaded.ok) return loaded;
    b = loaded.backend;
  }
  try {
    const input = b.createInput();
    const inputs = portNames(input);
    input.destroy?.();
    const output = b.createOutput();
    const outputs = portNames(output);
    output.destroy?.();
    return { ok: true, inputs, outputs };
  } catch (err) {
    return { ok: false, reason: `MIDI ports could not be listed: ${oneLine(err)}.` };
  }
}

function portNames(port: { getPortCount(): number; getPortName(i: number): string }): string[] {
  const names: string[] = [];
  const count = port.getPortCount();
  for (let i = 0; i < count; i += 1) names.push(port.getPortName(i));
  return names;
}

/**
 * Which port to use: `{ name }` matches exactly; `{ pattern }` is a RegExp, a string "/regex/flags", or a string where
 * `*` stands for any run of characters (matched against the whole name, case-sensitive); `{ virtual }` creates a port of
 * that name that other programs can connect to.
 */
export type MidiPortSelector = { readonly name: string } | { readonly pattern: string | RegExp } | { readonly virtual: string };

/** A pattern string as a RegExp: "/nano.*\/i" is a regex literal, anything else a whole-name wildcard where `*` is any run. */
export function portPattern(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const literal = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (literal) return new RegExp(literal[1]!, literal[2]!.replace(/[gy]/g, ''));
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

/** The first of `names` the selector picks, or undefined. Virtual selectors pick nothing: they create their port. */
export function selectPort(selector: MidiPortSelector, names: readonly string[]): string | undefined {
  if ('name' in selector) return names.find((n) => n === selector.name);
  if ('pattern' in selector) {
    const re = portPattern(selector.pattern);
    return names.find((n) => {
      re.lastIndex = 0;
      return re.test(n);
    });
  }
  return undefined;
}

function describeSelector(selector: MidiPortSelector): string {
  if ('name' in selector) return `"${selector.name}"`;
  if ('pattern' in selector) return `matching ${String(selector.pattern)}`;
  return `virtual "${selector.virtual}"`;
}

/** Delay before reopen attempt `attempt` (1-based): initial, doubling, capped at max. */
export function reconnectDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}

export interface MidiInMessage {
  readonly bytes: number[];
  /** Seconds since the previous message on this port, as reported by the MIDI library. */
  readonly deltaTime: number;
  /** Arrival time, `now()` milliseconds (performance.now() by default). */
  readonly time: number;
  /** Name of the port it arrived on. */
  readonly port: string;
}

/** Bytes of one complete MIDI message, each 0..255. */
export type MidiOutMessage = readonly number[] | Uint8Array;

/**
 * | option              | example                        | default                 | meaning                                          |
 * |---------------------|--------------------------------|-------------------------|--------------------------------------------------|
 * | `input`             | `{ pattern: 'nanoKONTROL*' }`  | none                    | port to receive from                             |
 * | `output`            | `{ name: 'X32 MIDI' }`         | none                    | port to send to                                  |
 * | `backend`           | `createFakeMidiBackend()`      | `loadMidiBackend()`     | where port objects come from                     |
 * | `ignore`            | `{ sysex: false }`             | sysex kept; timing and active sensing ignored | `ignoreTypes` flags          |
 * | `pollIntervalMs`    | `1000`                         | 1000                    | how often an open port is checked for presence   |
 * | `backoffInitialMs`  | `500`                          | 500                     | first wait before a reopen attempt               |
 * | `backoffMaxMs`      | `8000`                         | 8000                    | longest wait between reopen attempts             |
 * | `scheduler`         | `new VirtualTimeScheduler()`   | `asyncScheduler`        | drives polling and backoff (tests use virtual time) |
 * | `now`               | `() => Date.now()`             | `performance.now()`     | clock for `time` of incoming messages            |
 *
 * With both `input` and `output`, the two are one device: the transport is open when both are, and reopens both.
 */
export interface MidiTransportOptions {
  readonly name?: string;
  readonly input?: MidiPortSelector;
  readonly output?: MidiPortSelector;
  readonly backend?: MidiBackend;
  readonly ignore?: { readonly sysex?: boolean; readonly timing?: boolean; readonly activeSensing?: boolean };
  readonly pollIntervalMs?: number;
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  readonly scheduler?: SchedulerLike;
  readonly now?: () => number;
}

interface Session {
  readonly input: MidiInputPort | null;
  readonly output: MidiOutputPort | null;
  readonly onMessage: (deltaTime: number, bytes: number[]) => void;
  inName: string | null;
  outName: string | null;
  connected: boolean;
  /** Since the last successful connect, something failed; the next success counts as a reconnect. */
  failedSinceConnect: boolean;
  sendFailed: boolean;
  supervision: Subscription | null;
}

/** A port that was looked for and is not there, or vanished: recoverable, so the transport keeps trying. */
class PortAbsent extends Error {}

export class MidiTransport implements Transport<MidiInMessage, MidiOutMessage> {
  readonly name: string;
  private readonly options: MidiTransportOptions;
  private readonly scheduler: SchedulerLike;
  private readonly now: () => number;
  private readonly status = new StatusCell();
  private readonly counts = new CounterCell();
  private readonly incoming = new Subject<MidiInMessage>();
  private session: Session | null = null;

  readonly status$: Observable<TransportStatus> = this.status.status$;
  readonly messages$: Observable<MidiInMessage> = this.incoming.asObservable();

  constructor(options: MidiTransportOptions) {
    if (!options.input && !options.output) throw new TypeError('A MIDI transport needs an input, an output, or both.');
    this.options = options;
    this.name = options.name ?? `midi(${[options.input, options.output].filter((s) => s).map((s) => describeSelector(s!)).join(' / ')})`;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.now = options.now ?? (() => performance.now());
  }

  async open(): Promise<void> {
    if (this.session) return;
    this.status.set('opening');
    let backend = this.options.backend;
    if (!backend) {
      const loaded = loadMidiBackend();
      if (!loaded.ok) return this.unavailable(loaded.reason);
      backend = loaded.backend;
    }
    let input: MidiInputPort | null = null;
    let output: MidiOutputPort | null = null;
    try {
      input = this.options.input ? backend.createInput() : null;
      output = this.options.output ? backend.createOutput() : null;
    } catch (err) {
      input?.destroy?.();
      return this.unavailable(`MIDI unavailable: ${oneLine(err)}.`);
    }
    const session: Session = {
      input,
      output,
      onMessage: (deltaTime, bytes) => this.onMessage(session, deltaTime, bytes),
      inName: null,
      outName: null,
      connected: false,
      failedSinceConnect: false,
      sendFailed: false,
      supervision: null,
    };
    input?.on('message', session.onMessage);
    this.session = session;
    // The first attempt runs synchronously inside subscribe, so open() returns with status `open` or `error` already set.
    session.supervision = this.supervise(session).subscribe();
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) {
      session.supervision?.unsubscribe();
      this.disconnect(session);
      session.input?.off('message', session.onMessage);
      for (const port of [session.input, session.output]) {
        try {
          port?.destroy?.();
        } catch {
          // the library is going away with it
        }
      }
    }
    this.status.set('closed');
  }

  send(msg: MidiOutMessage): void {
    this.sendAsync(msg).catch(() => undefined);
  }

  sendAsync(msg: MidiOutMessage): Promise<void> {
    const session = this.session;
    if (!session) {
      this.counts.dropped += 1;
      return Promise.reject(new TransportClosedError(this.name));
    }
    if (!session.output) {
      this.counts.dropped += 1;
      return Promise.reject(new TransportError(this.name, `${this.name} has no output port; the message was not sent.`, 'NO_OUTPUT'));
    }
    if (!session.connected) {
      this.counts.dropped += 1;
      return Promise.reject(new TransportError(this.name, `${this.name}: ${this.status.current.detail ?? 'not connected'} The message was not sent.`, 'NOT_CONNECTED'));
    }
    const bytes = Array.from(msg);
    if (bytes.length === 0 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
      this.counts.dropped += 1;
      return Promise.reject(new TransportError(this.name, `${this.name}: [${bytes.join(', ')}] is not a MIDI message (bytes 0..255, at least one); it was not sent.`, 'INVALID_MESSAGE'));
    }
    try {
      session.output.sendMessage(bytes);
    } catch (err) {
      const sentence = `MIDI output "${session.outName ?? '?'}": sending failed (${oneLine(err)}).`;
      this.counts.errors += 1;
      session.sendFailed = true;
      this.status.set('error', sentence);
      return Promise.reject(new TransportError(this.name, sentence, 'SEND_FAILED', { cause: err }));
    }
    this.counts.out += 1;
    if (session.sendFailed) {
      session.sendFailed = false;
      this.status.set('open');
    }
    return Promise.resolve();
  }

  counters(): TransportCounters {
    return this.counts.snapshot();
  }

  private unavailable(reason: string): never {
    this.status.set('unavailable', reason);
    throw new TransportUnavailableError(this.name, reason);
  }

  /** Connect, then watch; on absence or loss, wait (backing off) and connect again, until unsubscribed. */
  private supervise(session: Session): Observable<unknown> {
    const initial = this.options.backoffInitialMs ?? 500;
    const max = this.options.backoffMaxMs ?? 8000;
    const attempt$ = defer(() => {
      this.connect(session);
      return concat(of('connected'), this.watch(session));
    });
    return attempt$.pipe(
      retry({
        resetOnSuccess: true,
        delay: (err: unknown, attempt: number) => {
          this.disconnect(session);
          session.failedSinceConnect = true;
          if (!(err instanceof PortAbsent)) this.counts.errors += 1;
          this.status.set('error', err instanceof PortAbsent ? err.message : `${this.name}: ${oneLine(err)}`);
          return timer(reconnectDelayMs(attempt, initial, max), this.scheduler);
        },
      }),
    );
  }

  /** Errors with PortAbsent once a connected port is no longer listed. Virtual ports are ours and cannot vanish. */
  private watch(session: Session): Observable<never> {
    const polled = (this.options.input && !('virtual' in this.options.input)) || (this.options.output && !('virtual' in this.options.output));
    if (!polled) return NEVER;
    return interval(this.options.pollIntervalMs ?? 1000, this.scheduler).pipe(
      map(() => this.missing(session)),
      filter((gone): gone is string => gone !== null),
      take(1),
      map((gone) => {
        this.counts.errors += 1;
        throw new PortAbsent(`${gone} disappeared; waiting for it to return.`);
      }),
    );
  }

  private missing(session: Session): string | null {
    try {
      if (session.input && session.inName !== null && this.options.input && !('virtual' in this.options.input)) {
        if (!portNames(session.input).includes(session.inName)) return `MIDI input "${session.inName}"`;
      }
      if (session.output && session.outName !== null && this.options.output && !('virtual' in this.options.output)) {
        if (!portNames(session.output).includes(session.outName)) return `MIDI output "${session.outName}"`;
      }
      return null;
    } catch {
      return `MIDI port list of ${this.name}`;
    }
  }

  /** Opens every configured port or throws: PortAbsent when one is not listed, anything else when opening failed. */
  private connect(session: Session): void {
    const { input: inSel, output: outSel } = this.options;
    if (session.input && inSel) session.inName = this.openOne(session.input, inSel, 'input');
    if (session.output && outSel) session.outName = this.openOne(session.output, outSel, 'output');
    if (session.input) {
      const ig = this.options.ignore ?? {};
      session.input.ignoreTypes(ig.sysex ?? false, ig.timing ?? true, ig.activeSensing ?? true);
    }
    session.connected = true;
    session.sendFailed = false;
    if (session.failedSinceConnect) {
      session.failedSinceConnect = false;
      this.counts.reconnects += 1;
    }
    this.status.set('open');
  }

  private openOne(port: MidiInputPort | MidiOutputPort, selector: MidiPortSelector, direction: 'input' | 'output'): string {
    if ('virtual' in selector) {
      port.openVirtualPort(selector.virtual);
      return selector.virtual;
    }
    const names = portNames(port);
    const chosen = selectPort(selector, names);
    if (chosen === undefined) {
      const available = names.length > 0 ? `available: ${names.map((n) => `"${n}"`).join(', ')}` : 'no MIDI ' + direction + ' ports are present';
      throw new PortAbsent(`MIDI ${direction} ${describeSelector(selector)} not found (${available}); waiting for it to appear.`);
    }
    try {
      port.openPort(names.indexOf(chosen));
    } catch (err) {
      throw new Error(`could not open MIDI ${direction} "${chosen}": ${oneLine(err)}`, { cause: err });
    }
    return chosen;
  }

  private disconnect(session: Session): void {
    session.connected = false;
    for (const port of [session.input, session.output]) {
      try {
        if (port?.isPortOpen()) port.closePort();
      } catch {
        // a vanished device may refuse to close; the next open starts afresh anyway
      }
    }
  }

  private onMessage(session: Session, deltaTime: number, bytes: number[]): void {
    try {
      if (this.session !== session || !session.connected) {
        this.counts.dropped += 1;
        return;
      }
      this.counts.in += 1;
      this.incoming.next({ bytes: Array.from(bytes), deltaTime, time: this.now(), port: session.inName ?? '' });
    } catch {
      this.counts.dropped += 1;
    }
  }
}

export function createMidiTransport(options: MidiTransportOptions): MidiTransport {
  return new MidiTransport(options);
}
