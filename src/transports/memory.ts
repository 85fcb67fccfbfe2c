// An in-memory transport: two linked ends keeping the transport contract, for pipeline tests without sockets or ports.
import { Subject, type Observable } from 'rxjs';
import { TransportClosedError, TransportError } from './errors.js';
import { CounterCell, StatusCell, type Transport, type TransportCounters, type TransportStatus } from './transport.js';

/** One end of a memory link; what it sends arrives, synchronously, on the other end's `messages$` if that end is open. */
export interface MemoryTransport<In, Out> extends Transport<In, Out> {
  /** Make every send fail as an I/O error with this sentence (status `error`, `errors` counted) until called with null. */
  failSends(detail: string | null): void;
}

/**
 * Two linked ends: `a` sends `AtoB` and receives `BtoA`; `b` the reverse.
 * A message sent while the other end is not open is counted as `dropped` by the sender (as a datagram to nobody would be
 * lost); `sendAsync` then rejects.
 */
export function createMemoryLink<AtoB, BtoA>(names: { a?: string; b?: string } = {}): {
  a: MemoryTransport<BtoA, AtoB>;
  b: MemoryTransport<AtoB, BtoA>;
} {
  const a = new MemoryEnd<BtoA, AtoB>(names.a ?? 'memory-a');
  const b = new MemoryEnd<AtoB, BtoA>(names.b ?? 'memory-b');
  a.peer = b;
  b.peer = a;
  return { a, b };
}

class MemoryEnd<In, Out> implements MemoryTransport<In, Out> {
  peer: MemoryEnd<Out, In> | null = null;
  private readonly status = new StatusCell();
  private readonly counts = new CounterCell();
  private readonly incoming = new Subject<In>();
  private failure: string | null = null;

  readonly status$: Observable<TransportStatus> = this.status.status$;
  readonly messages$: Observable<In> = this.incoming.asObservable();

  constructor(readonly name: string) {}

  get isOpen(): boolean {
    const s = this.status.current.state;
    return s === 'open' || s === 'error';
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    this.status.set(this.failure === null ? 'open' : 'error', this.failure ?? undefined);
  }

  async close(): Promise<void> {
    this.status.set('closed');
  }

  failSends(detail: string | null): void {
    this.failure = detail;
    if (detail === null && this.status.current.state === 'error') this.status.set('open');
  }

  send(msg: Out): void {
    this.sendAsync(msg).catch(() => undefined);
  }

  sendAsync(msg: Out): Promise<void> {
    if (!this.isOpen) {
      this.counts.dropped += 1;
      return Promise.reject(new TransportClosedError(this.name));
    }
    if (this.failure !== null) {
      this.counts.errors += 1;
      this.status.set('error', this.failure);
      return Promise.reject(new TransportError(this.name, this.failure, 'SIMULATED'));
    }
    const peer = this.peer;
    if (!peer || !peer.isOpen) {
      this.counts.dropped += 1;
      return Promise.reject(new TransportError(this.name, `${this.name}: the other end is not open; the message was lost.`, 'PEER_CLOSED'));
    }
    this.counts.out += 1;
    if (this.status.current.state === 'error') this.status.set('open');
    peer.receive(msg);
    return Promise.resolve();
  }

  counters(): TransportCounters {
    return this.counts.snapshot();
  }

  private receive(msg: In): void {
    this.counts.in += 1;
    this.incoming.next(msg);
  }
}
