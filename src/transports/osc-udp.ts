// OSC over one UDP socket (node:dgram), receiving, sending or both; osc-js is used only as the packet codec.
import dgram from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Subject, type Observable } from 'rxjs';
import { describeSocketError, errorCode, TransportClosedError, TransportError } from './errors.js';
import { heldAddress, LatestHold, type HeldDatagram } from './osc-hold.js';
import { decodeOscPacket, encodeOscMessage, MAX_OSC_PACKET_BYTES, type OscArg, type OscDropReason } from './osc-packet.js';
import { startThreadReader, type ReaderItem, type ReaderStartError, type ThreadReader } from './osc-thread-reader.js';
import type { ReaderEvents, ReaderSettings } from './osc-thread-reader.js';
import { CounterCell, StatusCell, type Transport, type TransportCounters, type TransportStatus } from './transport.js';

export { heldAddress } from './osc-hold.js';

export interface OscEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface OscInMessage {
  readonly address: string;
  readonly args: OscArg[];
  /** One tag per argument, without the leading comma. */
  readonly types: string;
  /** Who sent the datagram; reply here to talk to a device that answers the sender's port. */
  readonly from: { readonly address: string; readonly port: number };
  /** Arrival time, `now()` milliseconds (performance.now() by default). Bundle time tags are not applied. */
  readonly time: number;
  /**
   * How many older messages to the same address from the same sender this one replaced before it was passed on (an
   * address given to `holdLatest`); absent when none.
   */
  readonly superseded?: number;
}

export interface OscOutMessage {
  readonly address: string;
  readonly args?: readonly OscArg[];
  /** Explicit type tags, one per argument; see `encodeOscMessage` for the defaults. */
  readonly types?: string;
  /** Destination for this message only; defaults to the transport's `remote`. */
  readonly to?: OscEndpoint;
}

/**
 * | option          | example                               | default                     | meaning                                              |
 * |-----------------|---------------------------------------|-----------------------------|------------------------------------------------------|
 * | `mode`          | `'both'`                              | `'both'`                    | `in` only receives, `out` only sends, `both` does both on one socket |
 * | `bind`          | `{ host: '0.0.0.0', port: 10023 }`    | `0.0.0.0`, port 0 (any)     | local address of the socket                          |
 * | `remote`        | `{ host: '192.168.1.20', port: 10023 }` | none                      | default destination of `send`                        |
 * | `maxPacketBytes`| `8192`                                | 65536                       | larger datagrams are dropped as oversized            |
 * | `socketType`    | `'udp6'`                              | `'udp4'`                    | address family                                       |
 * | `now`           | `() => Date.now()`                    | `performance.now()`         | clock for `time` of incoming messages                |
 * | `receiveBufferBytes` | `2097152`                        | `1048576` (1 MiB; modes in and both) | kernel receive buffer asked for; the OS caps it (Linux: at net.core.rmem_max, and reports twice what it grants) |
 * | `retryMs`       | `200`                                 | 1000                        | first wait before re-resolving a remote name or probing a refusing remote (doubles up to 30 s for names) |
 * | `reader`        | `'main'`                              | `'thread'` in mode in, else `'main'` | where the socket is read: `thread` reads it on a worker thread of its own (mode in only) |
 * | `readerQueue`   | `1024`                                | 4096                        | datagrams a reader thread may pass on ahead of this thread; more are dropped and counted, as a full receive buffer drops them |
 *
 * Mode in reads its socket on a worker thread (osc-reader-worker.ts) that holds a word's datagrams (`holdLatest`) and
 * passes the rest to this thread after each read (at most 32 datagrams): a flood of words is read there, and a fader
 * move waits behind no word handling on the thread that plays it. Where no thread can be started, or the thread ends (it is not meant to), the
 * socket is read on this thread instead.
 *
 * In mode `out` the socket is connected to `remote` (its name resolved once, when opened): the OS then reports a
 * remote that refuses (ICMP port unreachable) or cannot be reached, which an unconnected socket never hears of.
 */
export interface OscUdpOptions {
  readonly name?: string;
  readonly mode?: 'in' | 'out' | 'both';
  readonly bind?: { readonly host?: string; readonly port?: number };
  readonly remote?: OscEndpoint;
  readonly maxPacketBytes?: number;
  readonly socketType?: 'udp4' | 'udp6';
  readonly now?: () => number;
  readonly receiveBufferBytes?: number;
  readonly retryMs?: number;
  readonly reader?: 'thread' | 'main';
  readonly readerQueue?: number;
  /**
   * Runs once the reader thread is online: starting a thread puts some V8 settings back to their defaults (the small
   * heap settings of `eqmorph run`, see cli/heap-settings.ts), which this may make again.
   */
  readonly onReaderStart?: () => void;
  /** Starts the reader thread (tests pass one that fails, or that ends later). */
  readonly startReader?: (options: ReaderSettings, on: ReaderEvents) => Promise<ThreadReader>;
}

/**
 * A busy event loop (a garbage collection, a term switch building its table) must not cost the datagrams that arrive
 * meanwhile: the OS default (about 200 kB on Linux) holds well under a second of a 1 kHz surface plus a flood. The
 * kernel charges each small datagram about 1 kB of it, so 4 MiB holds some 4,000: 80 ms of a flood of 50 a millisecond.
 */
const DEFAULT_RECEIVE_BUFFER_BYTES = 4 << 20;

/**
 * A reader thread reads faster than this thread decodes and plays what it passes on: without a bound, a flood of
 * datagrams that are not words would queue between the threads without end. About what the receive buffer holds.
 */
const DEFAULT_READER_QUEUE = 4096;

/**
 * The contract counters plus why incoming datagrams or messages were dropped (each is also counted in `dropped`). `in`
 * also counts the messages a newer one replaced before they were passed on (`holdLatest`), so it is every message read.
 */
export interface OscUdpCounters extends TransportCounters {
  readonly malformed: number;
  readonly oversized: number;
  readonly nonFinite: number;
  readonly unsupported: number;
}

/** Datagrams handed to the socket whose send has not completed yet, and the most there have been since creation (benchmarks). */
export interface OscSendQueue {
  readonly inFlight: number;
  readonly maxInFlight: number;
}

const DROP_KEY: Record<OscDropReason, 'malformed' | 'oversized' | 'nonFinite' | 'unsupported'> = {
  malformed: 'malformed',
  oversized: 'oversized',
  'non-finite': 'nonFinite',
  unsupported: 'unsupported',
};

const MAX_TEMPLATES = 4096;
const DEFAULT_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/** The OS reports these, after the fact, for datagrams a connected socket sent: the remote is not taking them. */
const REMOTE_REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

/** The default clock: one function for every transport, so code that calls it sees one target whichever input it serves. */
const performanceNow = (): number => performance.now();

/**
 * A datagram read on this thread (a Buffer) as a plain Uint8Array, which is what the reader thread posts: code that V8
 * optimised for one kind of byte array (in the start-up rehearsal, which reads here) was thrown away when the other
 * arrived (the real input, read on its thread).
 */
const plainBytes = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

export class OscUdpTransport implements Transport<OscInMessage, OscOutMessage> {
  readonly name: string;
  private readonly mode: 'in' | 'out' | 'both';
  private readonly bindHost: string;
  private readonly bindPort: number;
  private readonly remote: OscEndpoint | undefined;
  private readonly maxPacketBytes: number;
  private readonly socketType: 'udp4' | 'udp6';
  private readonly now: () => number;
  private readonly receiveBufferBytes: number;
  private readonly onThread: boolean;
  private readonly readerQueue: number;
  private readonly startReader: (options: ReaderSettings, on: ReaderEvents) => Promise<ThreadReader>;
  private readonly onReaderStart: () => void;

  private readonly status = new StatusCell();
  private readonly counts = new CounterCell();
  private readonly drops = { malformed: 0, oversized: 0, nonFinite: 0, unsupported: 0 };
  private readonly incoming = new Subject<OscInMessage>();
  private socket: dgram.Socket | null = null;
  /** The socket's reader on a worker thread, when it is read there (then `socket` is null). */
  private reader: ThreadReader | null = null;
  private opening: Promise<void> | null = null;
  /** True while the current `error` status came from a failed send, so a good send may clear it. */
  private sendFailed = false;
  /** Encoded one-number messages by tag and address, number zeroed (see `encode`). */
  private readonly templates = new Map<string, Uint8Array>();
  /** The shared send callback of the current socket for fire-and-forget sends to `remote`. */
  private toRemote: { readonly socket: dgram.Socket; readonly after: (err: Error | null) => void } | null = null;
  private inFlight = 0;
  private maxInFlight = 0;
  private readonly retryMs: number;
  /** Mode out with a remote: the socket is connected to this address once the remote's name is resolved. */
  private connectedTo: string | null = null;
  /** The last datagram sent to the remote: resent as a probe while the remote refuses. */
  private lastToRemote: Uint8Array | null = null;
  /** When the OS last reported the remote refusing or unreachable (now() ms); -Infinity when it has not. */
  private refusedAt = -Infinity;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryWait = 0;
  /** An unconnected socket for messages that name another destination than the connected remote (`to`). */
  private side: dgram.Socket | null = null;
  /** `holdLatest`: each address's bytes up to its string argument (padded address, then ",s" padded). */
  private holdPrefixes: Uint8Array[] = [];
  /** Words held until the end of this turn, when this thread reads the socket. */
  private readonly held = new LatestHold((held) => this.passHeld(held));

  readonly status$: Observable<TransportStatus> = this.status.status$;
  readonly messages$: Observable<OscInMessage> = this.incoming.asObservable();

  constructor(options: OscUdpOptions = {}) {
    this.mode = options.mode ?? 'both';
    this.name = options.name ?? `osc-udp(${this.mode})`;
    this.bindHost = options.bind?.host ?? (options.socketType === 'udp6' ? '::' : '0.0.0.0');
    this.bindPort = options.bind?.port ?? 0;
    this.remote = options.remote;
    this.maxPacketBytes = options.maxPacketBytes ?? MAX_OSC_PACKET_BYTES;
    this.socketType = options.socketType ?? 'udp4';
    this.now = options.now ?? performanceNow;
    this.receiveBufferBytes = options.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER_BYTES;
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.onThread = this.mode === 'in' && (options.reader ?? 'thread') === 'thread';
    this.startReader = options.startReader ?? startThreadReader;
    this.readerQueue = options.readerQueue ?? DEFAULT_READER_QUEUE;
    this.onReaderStart = options.onReaderStart ?? (() => undefined);
  }

  /** True when sends to the remote go through a connected socket (mode out with a remote). */
  private get connects(): boolean {
    return this.mode === 'out' && this.remote !== undefined;
  }

  /** The local address the socket is bound to, or null when not open; useful after binding port 0. */
  localAddress(): OscEndpoint | null {
    if (this.status.current.state === 'closed' || this.status.current.state === 'opening') return null;
    if (this.reader) return { ...this.reader.address };
    if (!this.socket) return null;
    try {
      const a = this.socket.address();
      return { host: a.address, port: a.port };
    } catch {
      return null;
    }
  }

  /**
   * Messages to these addresses that only matter as the newest one (a word, where a flood of them must not cost the
   * fader): a datagram of one such message with one string argument is not decoded as it comes in but held, replacing
   * the one held from the same sender to the same address, and passed on at the end of the turn of the reading
   * thread's event loop, or at once before any other message this socket reads, so that what came in before that
   * message still goes on before it. The one passed on says in `superseded` how many it replaced (it and those are
   * counted in `in` when it is passed on, if a reader thread held them), and its `time` is when it was passed on.
   * Keyed by sender too, so one sender's flood never replaces another's word (nor a word from an allowed sender). An
   * empty set holds nothing (the default).
   */
  holdLatest(addresses: Iterable<string>): void {
    this.held.flush();
    // The bytes of a message with an empty string, less that string's four NULs: the address and type tags as sent.
    this.holdPrefixes = [...new Set(addresses)].map((a) => {
      const empty = encodeOscMessage(a, [''], 's');
      return empty.slice(0, empty.length - 4);
    });
    this.reader?.hold(this.holdPrefixes);
  }

  /** True while the socket is read on a worker thread of its own (see `reader`). */
  readsOnThread(): boolean {
    return this.reader !== null;
  }

  /** What the kernel holds for the socket's incoming datagrams (Linux reports twice what it grants); null when closed. */
  receiveBufferSize(): number | null {
    if (this.reader) return this.reader.receiveBufferBytes;
    try {
      return this.socket?.getRecvBufferSize() ?? null;
    } catch {
      return null;
    }
  }

  open(): Promise<void> {
    if (this.opening) return this.opening;
    if (this.socket || this.reader) return Promise.resolve();
    this.status.set('opening');
    if (this.onThread) {
      this.opening = this.openThread().finally(() => {
        this.opening = null;
      });
      return this.opening;
    }
    return this.openHere();
  }

  /** Opens the socket on a reader thread; where no thread runs, on this thread after all. */
  private async openThread(): Promise<void> {
    let reader: ThreadReader;
    try {
      reader = await this.startReader(
        { socketType: this.socketType, host: this.bindHost, port: this.bindPort, receiveBufferBytes: this.receiveBufferBytes, maxPacketBytes: this.maxPacketBytes, maxQueued: this.readerQueue },
        {
          data: (items) => this.fromThread(reader, items),
          lost: (n) => (this.counts.dropped += n),
          error: (err) => this.reader === reader && this.onSocketError(err),
          ended: () => this.readerEnded(reader),
        },
      );
    } catch (e) {
      const why = e as ReaderStartError;
      if (why.kind === 'thread') {
        this.opening = null;
        return this.openHere(this.bindPort);
      }
      const sentence = `${this.name}: ${describeSocketError(why.error, { action: 'bind', host: this.bindHost, port: this.bindPort })}`;
      this.counts.errors += 1;
      this.status.set('error', sentence);
      throw new TransportError(this.name, sentence, errorCode(why.error), { cause: why.error });
    }
    this.reader = reader;
    this.onReaderStart();
    if (this.holdPrefixes.length > 0) reader.hold(this.holdPrefixes);
    this.sendFailed = false;
    this.status.set('open');
  }

  /** Datagrams the reader thread read, in its order: held words first (counted here, as read), then what followed them. */
  private fromThread(reader: ThreadReader, items: readonly ReaderItem[]): void {
    if (this.reader !== reader) {
      this.counts.dropped += items.length;
      return;
    }
    for (const item of items) {
      try {
        if (item.bytes === null) this.countDrop('oversized');
        else {
          if (item.superseded >= 0) this.counts.in += 1 + item.superseded;
          this.deliver(item.bytes, item.address, item.port, item.superseded);
        }
      } catch {
        this.counts.dropped += 1;
      }
    }
  }

  /**
   * The reader thread ended with its socket open (it is not meant to): counted as an error, and the same port is bound
   * again on this thread (status opening meanwhile; error with a sentence if the port cannot be had again).
   */
  private readerEnded(reader: ThreadReader): void {
    if (this.reader !== reader) return;
    this.reader = null;
    this.counts.errors += 1;
    this.status.set('opening');
    this.opening = this.openHere(reader.address.port)
      .catch(() => undefined)
      .finally(() => {
        this.opening = null;
      });
  }

  /** Opens the socket on this thread, bound to `port` (the port asked for, or the one a reader thread had). */
  private openHere(port = this.bindPort): Promise<void> {
    const socket = dgram.createSocket({ type: this.socketType, lookup: orderedLookup() });
    this.socket = socket;
    // Registered before bind so that no socket error can ever reach the process as an unhandled 'error' event.
    socket.on('error', (err) => this.onSocketError(err));
    socket.on('message', (buf, rinfo) => this.onDatagram(socket, buf, rinfo));
    this.toRemote = this.remote ? { socket, after: this.afterSend(socket, this.remote, null) } : null;
    this.opening = new Promise<void>((resolve, reject) => {
      const onBindError = (err: Error) => {
        const sentence = `${this.name}: ${describeSocketError(err, { action: 'bind', host: this.bindHost, port })}`;
        this.counts.errors += 1;
        this.socket = null;
        try {
          socket.close();
        } catch {
          // already closed by the failed bind
        }
        this.status.set('error', sentence);
        reject(new TransportError(this.name, sentence, errorCode(err), { cause: err }));
      };
      socket.once('error', onBindError);
      socket.bind(port, this.bindHost, () => {
        socket.off('error', onBindError);
        if (this.mode !== 'out') {
          try {
            socket.setRecvBufferSize(this.receiveBufferBytes);
          } catch {
            // the OS refused the size; its default still works, only with less room for bursts
          }
        }
        this.sendFailed = false;
        if (!this.connects) {
          this.status.set('open');
          return resolve();
        }
        // Resolved and connected before open() resolves; a name that does not resolve is retried (status error).
        void this.connectRemote(socket).then(() => resolve());
      });
    }).finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined);
    this.stopRetry();
    this.connectedTo = null;
    this.refusedAt = -Infinity;
    this.lastToRemote = null;
    this.held.drop();
    const reader = this.reader;
    this.reader = null;
    await reader?.close();
    const side = this.side;
    this.side = null;
    side?.close();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      await new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve();
        }
      });
    }
    this.sendFailed = false;
    this.status.set('closed');
  }

  send(msg: OscOutMessage): void {
    this.transmit(msg, null);
  }

  sendAsync(msg: OscOutMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => this.transmit(msg, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * The one send path. `done` is null for fire-and-forget sends: the bridge sends a datagram per band parameter, and a
   * promise per datagram was a large share of its time under a fast fader.
   */
  private transmit(msg: OscOutMessage, done: ((err?: TransportError) => void) | null): void {
    const socket = this.socket;
    const state = this.status.current.state;
    if (state === 'closed' || state === 'opening' || (!socket && !this.reader)) return this.refuse(done, () => new TransportClosedError(this.name));
    if (this.mode === 'in' || !socket) return this.refuse(done, () => new TransportError(this.name, `${this.name} is receive-only (mode 'in'); the message was not sent.`, 'RECEIVE_ONLY'));
    const to = msg.to ?? this.remote;
    if (!to) return this.refuse(done, () => new TransportError(this.name, `${this.name} has no remote host and port, and the message names none; the message was not sent.`, 'NO_REMOTE'));
    let bytes: Uint8Array;
    try {
      bytes = encodeCached(this.templates, msg);
    } catch (err) {
      return this.refuse(done, () => new TransportError(this.name, `${this.name}: ${(err as Error).message}; the message was not sent.`, 'INVALID_MESSAGE', { cause: err }));
    }
    const toRemote = to === this.remote || (to.host === this.remote?.host && to.port === this.remote.port);
    if (this.connects && toRemote && this.connectedTo === null) {
      return this.refuse(done, () => new TransportError(this.name, `${this.status.current.detail ?? `${this.name}: ${to.host} is not resolved yet`}; the message was not sent.`, 'NOT_CONNECTED'));
    }
    // A connected socket sends only to its remote; any other destination goes through a plain socket of its own.
    const via = this.connects && !toRemote ? this.sideSocket() : socket;
    // The bridge's sends (to the remote, nobody waiting) share one callback per socket instead of a closure per datagram.
    const after = done === null && to === this.remote && this.toRemote?.socket === socket ? this.toRemote.after : this.afterSend(socket, to, done);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (via === socket && this.connectedTo !== null) {
        this.lastToRemote = bytes;
        socket.send(bytes, after);
      } else via.send(bytes, to.port, to.host, after);
    } catch (err) {
      this.inFlight -= 1;
      this.sendFailedWith(err, socket, to, done);
    }
  }

  private refuse(done: ((err?: TransportError) => void) | null, err: () => TransportError): void {
    this.counts.dropped += 1;
    done?.(err());
  }

  /** What runs when the socket has sent (or failed to send) one datagram to `to`. */
  private afterSend(socket: dgram.Socket, to: OscEndpoint, done: ((err?: TransportError) => void) | null): (err: Error | null) => void {
    return (err) => {
      this.inFlight -= 1;
      if (err) return this.sendFailedWith(err, socket, to, done);
      this.counts.out += 1;
      if (this.sendFailed && this.socket === socket) {
        this.sendFailed = false;
        this.status.set('open');
      }
      done?.();
    };
  }

  private sendFailedWith(err: unknown, socket: dgram.Socket, to: OscEndpoint, done: ((err?: TransportError) => void) | null): void {
    const code = errorCode(err);
    if (this.connectedTo !== null && this.socket === socket && to === this.remote && code !== undefined && REMOTE_REFUSED.has(code)) {
      this.counts.errors += 1;
      this.remoteRefused(err as Error);
      done?.(new TransportError(this.name, this.status.current.detail ?? this.name, code, { cause: err }));
      return;
    }
    const sentence = `${this.name}: ${describeSocketError(err, { action: 'send', host: to.host, port: to.port })}`;
    this.counts.errors += 1;
    if (this.socket === socket) {
      this.sendFailed = true;
      this.status.set('error', sentence);
    }
    done?.(new TransportError(this.name, sentence, errorCode(err), { cause: err }));
  }

  counters(): OscUdpCounters {
    return { ...this.counts.snapshot(), ...this.drops };
  }

  sendQueue(): OscSendQueue {
    return { inFlight: this.inFlight, maxInFlight: this.maxInFlight };
  }

  private onSocketError(err: Error): void {
    // Bind errors are handled by open(); this is everything after: asynchronous ICMP reports and the like.
    if (this.status.current.state === 'opening') return;
    this.counts.errors += 1;
    const code = errorCode(err);
    if (this.connectedTo !== null && code !== undefined && REMOTE_REFUSED.has(code)) return this.remoteRefused(err);
    this.sendFailed = true;
    this.status.set('error', `${this.name}: ${describeSocketError(err, { action: 'socket' })}`);
  }

  // ------------------------------------------------------------ connected output: resolve, connect, probe

  /**
   * Resolves the remote's name (once; an IP address at once), connects the socket to it and sets the status open. A
   * name that does not resolve sets the status error with a sentence and is tried again, waiting longer each time.
   */
  private async connectRemote(socket: dgram.Socket, announce = true): Promise<void> {
    const remote = this.remote!;
    const found = await resolveHost(remote.host, this.socketType === 'udp6' ? 6 : 4);
    if (this.socket !== socket) return;
    if ('error' in found) {
      this.counts.errors += 1;
      this.status.set('error', `${this.name}: ${describeSocketError(found.error, { action: 'send', host: remote.host, port: remote.port })} Retrying.`);
      this.retryWait = Math.min(MAX_RETRY_MS, this.retryWait ? this.retryWait * 2 : this.retryMs);
      return this.retryIn(this.retryWait, () => void this.connectRemote(socket, announce));
    }
    this.retryWait = 0;
    if (this.connectedTo !== found.address) {
      if (this.connectedTo !== null) socket.disconnect();
      const ok = await new Promise<boolean>((done) => {
        try {
          socket.connect(remote.port, found.address, () => done(true));
        } catch {
          done(false);
        }
      });
      if (this.socket !== socket || !ok) return;
      if (this.connectedTo !== null) this.counts.reconnects += 1;
      this.connectedTo = found.address;
    }
    if (announce) this.status.set('open');
  }

  /**
   * The OS said the remote refuses (nothing listens there) or cannot be reached. The status stays `error` until a probe
   * (the last datagram sent, a value the remote should hold anyway) goes a whole retry interval without such a report;
   * then it is `open` again and the bridge resends everything. A name is resolved again on each probe.
   */
  private remoteRefused(err: Error): void {
    const remote = this.remote!;
    this.refusedAt = this.now();
    this.status.set('error', `${this.name}: ${describeSocketError(err, { action: 'send', host: remote.host, port: remote.port })}`);
    if (this.retryTimer) return;
    const socket = this.socket;
    // A probe goes out on each tick; the remote is back once a whole tick after a probe passed without a refusal.
    let probedAt: number | null = null;
    const probe = () => {
      if (!socket || this.socket !== socket) return;
      if (probedAt !== null && this.refusedAt < probedAt) {
        this.refusedAt = -Infinity;
        this.status.set('open');
        return;
      }
      // A name may point elsewhere now (a device that got a new address): looked up again, connected again if so.
      if (isIP(remote.host) === 0) void this.connectRemote(socket, false);
      if (this.lastToRemote && this.connectedTo !== null) {
        try {
          probedAt = this.now();
          socket.send(this.lastToRemote, ignore);
        } catch {
          // the socket is closing; close() stops the probe
        }
      }
      this.retryIn(this.retryMs, probe);
    };
    this.retryIn(this.retryMs, probe);
  }

  private retryIn(ms: number, then: () => void): void {
    this.stopRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      then();
    }, ms);
    this.retryTimer.unref();
  }

  private stopRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private sideSocket(): dgram.Socket {
    if (!this.side) {
      this.side = dgram.createSocket({ type: this.socketType, lookup: literalFirstLookup });
      this.side.on('error', () => (this.counts.errors += 1));
    }
    return this.side;
  }

  private onDatagram(socket: dgram.Socket, buf: Buffer, rinfo: dgram.RemoteInfo): void {
    // Whatever arrives, nothing may throw out of a socket callback: every failure is counted instead.
    try {
      if (socket !== this.socket || this.mode === 'out') {
        this.counts.dropped += 1;
        return;
      }
      if (this.holdPrefixes.length > 0) {
        const address = buf.length <= this.maxPacketBytes ? heldAddress(this.holdPrefixes, buf) : -1;
        if (address >= 0) {
          // Counted in `in` here, as read; nothing of it is decoded or allocated until it passes.
          this.counts.in += 1;
          return this.held.hold(address, buf, rinfo);
        }
        this.held.flush();
      }
      this.deliver(plainBytes(buf), rinfo.address, rinfo.port, -1);
    } catch {
      this.counts.dropped += 1;
    }
  }

  /**
   * Decodes a datagram from `address`:`port` and passes its messages on. `superseded` is how many older ones a held
   * datagram replaced (it and they are counted already, as read), -1 for one that was not held. Plain values rather
   * than the readers' objects, whose shapes differ: one shape in the rehearsal and another in the real run made V8
   * throw this code away at the first real datagram.
   */
  private deliver(buf: Uint8Array, address: string, port: number, superseded: number): void {
    const decoded = decodeOscPacket(buf, this.maxPacketBytes);
    if (!decoded.ok) {
      this.countDrop(decoded.drop.reason);
      return;
    }
    for (const d of decoded.drops) this.countDrop(d.reason);
    const time = this.now();
    const from = { address, port };
    for (const m of decoded.messages) {
      if (superseded < 0) this.counts.in += 1;
      const msg: OscInMessage = { address: m.address, args: m.args, types: m.types, from, time };
      this.incoming.next(superseded <= 0 ? msg : { ...msg, superseded });
    }
  }

  /** Passes on held words, in the order their address and sender first came in this turn. */
  private passHeld(held: readonly HeldDatagram[]): void {
    for (const h of held) {
      try {
        this.deliver(plainBytes(h.bytes), h.from.address, h.from.port, h.superseded);
      } catch {
        this.counts.dropped += 1;
      }
    }
  }

  private countDrop(reason: OscDropReason): void {
    this.counts.dropped += 1;
    this.drops[DROP_KEY[reason]] += 1;
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;
type Resolver = (host: string, options: LookupOneOptions, callback: LookupCallback) => void;

/** How long a host name's address is reused before it is looked up again. */
export const NAME_TTL_MS = 30_000;

const ignore = () => undefined;

/** A host's address: an IP address as it is, a name through the system resolver (once). */
export function resolveHost(host: string, family: 4 | 6 = 4): Promise<{ address: string } | { error: NodeJS.ErrnoException }> {
  if (isIP(host) !== 0) return Promise.resolve({ address: host });
  return new Promise((done) => dnsLookup(host, { family }, (err, address) => done(err ? { error: err } : { address })));
}

/**
 * A socket's address lookup, called by dgram for every datagram sent. An IP address (every default and most mappings)
 * is answered at once: dgram's own path through `dns.lookup` deferred each datagram to the next tick and was the largest
 * single share of the bridge's allocations per event. A host name (`localhost`, a desk's name) is looked up once per
 * NAME_TTL_MS, and the datagrams that wait for that answer get it in the order they were sent: with a lookup each, they
 * left in the order the lookups came back, and a frame's first band arrived last.
 */
export function orderedLookup(resolver: Resolver = dnsLookup as Resolver, now: () => number = Date.now) {
  const names = new Map<string, { readonly at: number; readonly address: string; readonly family: number } | { readonly waiting: LookupCallback[] }>();
  return function lookup(host: string, options: number | LookupOneOptions, callback: LookupCallback): void {
    const family = isIP(host);
    if (family !== 0) return callback(null, host, family);
    const opts: LookupOneOptions = typeof options === 'number' ? { family: options } : options;
    const key = `${host}/${String(opts.family ?? 0)}`;
    const known = names.get(key);
    if (known && 'waiting' in known) return void known.waiting.push(callback);
    if (known && now() - known.at < NAME_TTL_MS) return callback(null, known.address, known.family);
    const entry = { waiting: [callback] };
    names.set(key, entry);
    resolver(host, opts, (err, address, fam) => {
      if (err) names.delete(key);
      else names.set(key, { at: now(), address, family: fam });
      for (const cb of entry.waiting) cb(err, address, fam);
    });
  };
}

/** One ordered lookup for callers without a socket of their own. */
export const literalFirstLookup = orderedLookup();

/**
 * `encodeOscMessage`, faster for what an output sends most: a message of one 32-bit number is its address and tag
 * followed by the number's 4 big-endian bytes (OSC 1.0), and an output sends the same few addresses over and over. So
 * each address is checked and packed once into `templates` (about 3.5 µs a message here), and later messages copy
 * that and write their number (about 0.3 µs). Anything else is packed in full.
 */
export function encodeCached(templates: Map<string, Uint8Array>, msg: OscOutMessage): Uint8Array {
  const args = msg.args ?? [];
  const v = args[0];
  const tag = msg.types;
  const fits = args.length === 1 && typeof v === 'number' && ((tag === 'f' && Number.isFinite(v)) || (tag === 'i' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff));
  if (!fits) return encodeOscMessage(msg.address, args, tag);
  const key = tag + msg.address;
  let template = templates.get(key);
  if (!template) {
    // Bounded: a program that sends to ever new addresses gains nothing here and must not grow this without end.
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    template = encodeOscMessage(msg.address, [0], tag);
    templates.set(key, template);
  }
  // A Buffer from Node's shared pool: no backing store of its own per message, and dgram sends it without converting.
  const bytes = Buffer.allocUnsafe(template.length);
  bytes.set(template);
  if (tag === 'f') bytes.writeFloatBE(v, bytes.length - 4);
  else bytes.writeInt32BE(v, bytes.length - 4);
  return bytes;
}

export function createOscUdpTransport(options: OscUdpOptions = {}): OscUdpTransport {
  return new OscUdpTransport(options);
}
