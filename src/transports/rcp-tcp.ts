// Yamaha's remote control protocol over TCP: text lines `set <path> <x> <y> <value>`, the desk's `OK` / `ERROR` replies
// and its unasked `NOTIFY` lines, carried in the OSC transports' message model (an address and a value).
//
// Protocol facts (see firmware-profiles/targets/yamaha-dm7-channel.yaml for the sources): TCP port 49280; one command
// per line, ended by a line feed; the desk answers every command with a line starting `OK` (or `OKm`) that repeats it
// with the value, or `ERROR <command> <reason>`; a change made anywhere else reaches every connected client as
// `NOTIFY set <path> <x> <y> <value> "<text>"`, with no subscription; `get <path> <x> <y>` is answered with
// `OK get <path> <x> <y> <value>`.
import net from 'node:net';
import { Subject, type Observable } from 'rxjs';
import { describeSocketError, errorCode, TransportClosedError, TransportError } from './errors.js';
import type { OscInMessage, OscOutMessage } from './osc-udp.js';
import { CounterCell, StatusCell, type Transport, type TransportCounters, type TransportStatus } from './transport.js';

export interface RcpTcpOptions {
  readonly name?: string;
  /** The desk (port 49280 on Yamaha's desks). */
  readonly remote: { readonly host: string; readonly port: number };
  /** First wait before reconnecting after a lost or refused connection, doubled up to `backoffMaxMs`. */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Lines longer than this are dropped (a desk's longest reply is a label, well under it). */
  readonly maxLineBytes?: number;
  readonly now?: () => number;
}

/** The contract counters, plus what the desk answered: `refused` (ERROR replies) and lines that were not the protocol's. */
export interface RcpTcpCounters extends TransportCounters {
  readonly accepted: number;
  readonly refused: number;
  readonly malformed: number;
}

/** One line the desk sent, read: what it says about which parameter. */
export type RcpLine =
  | { readonly kind: 'ok' | 'notify'; readonly command: string; readonly address: string; readonly value: number | string | undefined }
  | { readonly kind: 'error'; readonly text: string }
  | { readonly kind: 'malformed'; readonly text: string };

/** A value as the protocol writes it: integers bare, text in double quotes with `"` and `\` escaped. */
export function rcpValue(v: number | string | boolean | Uint8Array): string {
  if (typeof v === 'number') return String(Math.round(v));
  if (typeof v === 'boolean') return v ? '1' : '0';
  return `"${String(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** The line for a message: a value makes a `set`, no value a `get` (a query). */
export function rcpCommand(msg: OscOutMessage): string {
  const v = msg.args?.[0];
  return v === undefined ? `get ${msg.address}` : `set ${msg.address} ${rcpValue(v)}`;
}

/** Splits a line into words, keeping a double-quoted text (with its escapes) as one word. */
function words(line: string): string[] | null {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? `"${m[1].replace(/\\(.)/g, '$1')}` : m[2]!);
  return out;
}

/**
 * Reads one line from the desk. The address is the path and its two indexes (`MIXER:Current/InCh/PEQ/Band/Gain 0 1`),
 * as eqmorph's target profiles write it; the value is the first word after them (the desk may add its display text).
 */
export function parseRcpLine(line: string): RcpLine {
  const w = words(line.trim());
  if (!w || w.length === 0) return { kind: 'malformed', text: line };
  const head = w[0]!;
  if (head === 'ERROR') return { kind: 'error', text: line.trim() };
  const kind = head === 'NOTIFY' ? 'notify' : head === 'OK' || head === 'OKm' ? 'ok' : null;
  if (!kind || w.length < 5) return { kind: 'malformed', text: line };
  const [, command, path, x, y, raw] = w as [string, string, string, string, string, string | undefined];
  if (!/^\d+$/.test(x) || !/^\d+$/.test(y)) return { kind: 'malformed', text: line };
  const value = raw === undefined ? undefined : raw.startsWith('"') ? raw.slice(1) : /^-?\d+$/.test(raw) ? Number(raw) : raw;
  return { kind, command, address: `${path} ${x} ${y}`, value };
}

const DEFAULT_MAX_LINE = 4096;

export class RcpTcpTransport implements Transport<OscInMessage, OscOutMessage> {
  readonly name: string;
  private readonly remote: { readonly host: string; readonly port: number };
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxLineBytes: number;
  private readonly now: () => number;
  private readonly status = new StatusCell();
  private readonly counts = new CounterCell();
  private readonly replies = { accepted: 0, refused: 0, malformed: 0 };
  private readonly incoming = new Subject<OscInMessage>();
  private socket: net.Socket | null = null;
  private connected = false;
  /** True between open() and close(): a lost connection is then retried. */
  private wanted = false;
  private retry: NodeJS.Timeout | null = null;
  private backoff: number;
  private everConnected = false;
  private pending = '';

  readonly status$: Observable<TransportStatus> = this.status.status$;
  readonly messages$: Observable<OscInMessage> = this.incoming.asObservable();

  constructor(options: RcpTcpOptions) {
    this.remote = options.remote;
    this.name = options.name ?? `rcp-tcp(${options.remote.host}:${options.remote.port})`;
    this.backoffInitialMs = options.backoffInitialMs ?? 500;
    this.backoffMaxMs = options.backoffMaxMs ?? 10_000;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE;
    this.now = options.now ?? (() => performance.now());
    this.backoff = this.backoffInitialMs;
  }

  /** Resolves once connected, or once the first attempt failed and retries are scheduled (status `error`, saying why). */
  open(): Promise<void> {
    if (this.wanted) return Promise.resolve();
    this.wanted = true;
    this.status.set('opening');
    return new Promise<void>((resolve) => this.connect(resolve));
  }

  private connect(settled?: () => void): void {
    this.retry = null;
    const socket = net.createConnection({ host: this.remote.host, port: this.remote.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      if (socket !== this.socket) return;
      this.connected = true;
      this.pending = '';
      if (this.everConnected) this.counts.reconnects += 1;
      this.everConnected = true;
      this.backoff = this.backoffInitialMs;
      this.status.set('open');
      settled?.();
    });
    socket.on('data', (chunk: string) => this.onData(socket, chunk));
    socket.on('error', (err) => {
      if (socket !== this.socket) return;
      this.counts.errors += 1;
      this.status.set('error', `${this.name}: ${describeSocketError(err, { action: this.connected ? 'socket' : 'send', host: this.remote.host, port: this.remote.port })}`);
    });
    socket.on('close', () => {
      if (socket !== this.socket) return;
      const was = this.connected;
      this.connected = false;
      this.socket = null;
      if (!this.wanted) return;
      if (was && this.status.current.state === 'open') this.status.set('error', `${this.name}: the desk at ${this.remote.host}:${this.remote.port} closed the connection; reconnecting`);
      this.retry = setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoffMaxMs, this.backoff * 2);
      settled?.();
    });
  }

  async close(): Promise<void> {
    this.wanted = false;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    if (socket) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      });
    }
    this.status.set('closed');
  }

  send(msg: OscOutMessage): void {
    this.transmit(msg, null);
  }

  sendAsync(msg: OscOutMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => this.transmit(msg, (err) => (err ? reject(err) : resolve())));
  }

  private transmit(msg: OscOutMessage, done: ((err?: TransportError) => void) | null): void {
    const socket = this.socket;
    if (!socket || !this.connected) {
      this.counts.dropped += 1;
      done?.(this.wanted ? new TransportError(this.name, `${this.name}: not connected to the desk; the message was not sent.`, 'NOT_CONNECTED') : new TransportClosedError(this.name));
      return;
    }
    const line = `${rcpCommand(msg)}\n`;
    socket.write(line, (err) => {
      if (err) {
        this.counts.errors += 1;
        done?.(new TransportError(this.name, `${this.name}: ${describeSocketError(err, { action: 'send', host: this.remote.host, port: this.remote.port })}`, errorCode(err), { cause: err }));
        return;
      }
      this.counts.out += 1;
      done?.();
    });
  }

  private onData(socket: net.Socket, chunk: string): void {
    if (socket !== this.socket) return;
    this.pending += chunk;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      if (line.length > 0) this.onLine(line);
    }
    // A line that never ends is not the protocol: drop what is held rather than grow without bound.
    if (this.pending.length > this.maxLineBytes) {
      this.pending = '';
      this.replies.malformed += 1;
      this.counts.dropped += 1;
    }
  }

  private onLine(line: string): void {
    const r = parseRcpLine(line);
    if (r.kind === 'malformed') {
      this.replies.malformed += 1;
      this.counts.dropped += 1;
      return;
    }
    if (r.kind === 'error') {
      // The desk refused a command (an unknown address, a value it cannot take): said once per kind in the status.
      this.replies.refused += 1;
      this.status.set('error', `${this.name}: the desk refused a command: ${r.text.slice(0, 160)}`);
      return;
    }
    if (r.kind === 'ok' && r.command === 'set') {
      this.replies.accepted += 1;
      if (this.status.current.state === 'error' && this.connected) this.status.set('open');
      return;
    }
    if (r.value === undefined) return;
    // Answers to queries and the desk's own reports go to messages$, as a desk speaking OSC would send them.
    this.counts.in += 1;
    this.incoming.next({ address: r.address, args: [r.value], types: typeof r.value === 'number' ? 'i' : 's', from: { address: this.remote.host, port: this.remote.port }, time: this.now() });
  }

  counters(): RcpTcpCounters {
    return { ...this.counts.snapshot(), ...this.replies };
  }
}
