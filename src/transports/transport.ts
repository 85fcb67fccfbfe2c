// The contract every transport keeps (status, incoming messages, send, counters), plus the small status and counter cells they share.
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';

/**
 * - `closed`: never opened, or closed by the caller.
 * - `opening`: open() is in progress.
 * - `open`: messages flow both ways (as far as the transport's mode allows).
 * - `unavailable`: the platform cannot provide this transport at all (no MIDI library, no ALSA sequencer); only user action helps.
 * - `error`: something went wrong (port absent, bind failed, last send failed); `detail` says what, in a sentence.
 *   A transport that can recover (a MIDI port that comes back, a send that succeeds again) returns to `open` by itself.
 */
export type TransportState = 'closed' | 'opening' | 'open' | 'unavailable' | 'error';

export interface TransportStatus {
  readonly state: TransportState;
  /** A sentence for a person, e.g. `MIDI input "nanoKONTROL2" not found; available: "Midi Through Port-0".` */
  readonly detail?: string;
}

export interface TransportCounters {
  /** Messages delivered to `messages$`. */
  readonly in: number;
  /** Messages handed to the OS or the MIDI library without error. */
  readonly out: number;
  /** Messages not delivered for a reason other than an I/O failure: sent while closed or disconnected, malformed input, invalid output. */
  readonly dropped: number;
  /** I/O failures: send errors, socket errors, bind failures, ports that vanished. */
  readonly errors: number;
  /** Successful reopenings after a failure. */
  readonly reconnects: number;
}

/**
 * A bidirectional message transport.
 *
 * Sending has two verbs with one rule between them: a message that cannot be sent is always counted, never thrown.
 * - `send(msg)` is fire-and-forget for hot paths: it never throws. When the transport is closed (before open, after close)
 *   or not connected, the message is counted as `dropped`. An I/O failure counts in `errors` and sets `status$` to
 *   `error` with a sentence; the transport keeps working and returns to `open` after the next successful send.
 * - `sendAsync(msg)` does exactly the same and reports the outcome: it resolves once the message was handed to the OS or
 *   library, and rejects with a `TransportError` (`TransportClosedError` when closed) otherwise. The counting is not doubled.
 *
 * `open()` resolves once the transport is open, or is recovering by itself (a MIDI port that is absent but may appear;
 * status `error`). It rejects with a `TransportError` only when nothing will change without user action (bind failed, MIDI
 * unavailable); `status$` carries the same sentence. `close()` is idempotent, and a closed transport may be opened again.
 * `status$` replays the current status to each subscriber and emits only on change. `messages$` is hot and never completes.
 */
export interface Transport<In, Out> {
  readonly name: string;
  open(): Promise<void>;
  close(): Promise<void>;
  readonly status$: Observable<TransportStatus>;
  readonly messages$: Observable<In>;
  send(msg: Out): void;
  sendAsync(msg: Out): Promise<void>;
  counters(): TransportCounters;
}

export function sameStatus(a: TransportStatus, b: TransportStatus): boolean {
  return a.state === b.state && a.detail === b.detail;
}

/** The current status of one transport, observable, emitting only on change. */
export class StatusCell {
  private readonly subject: BehaviorSubject<TransportStatus>;
  readonly status$: Observable<TransportStatus>;

  constructor(initial: TransportStatus = { state: 'closed' }) {
    this.subject = new BehaviorSubject<TransportStatus>(initial);
    this.status$ = this.subject.pipe(distinctUntilChanged(sameStatus));
  }

  get current(): TransportStatus {
    return this.subject.getValue();
  }

  set(state: TransportState, detail?: string): void {
    const next: TransportStatus = detail === undefined ? { state } : { state, detail };
    if (!sameStatus(next, this.subject.getValue())) this.subject.next(next);
  }
}

/** Mutable counters behind a transport's read-only `counters()` snapshot. */
export class CounterCell {
  in = 0;
  out = 0;
  dropped = 0;
  errors = 0;
  reconnects = 0;

  snapshot(): TransportCounters {
    return { in: this.in, out: this.out, dropped: this.dropped, errors: this.errors, reconnects: this.reconnects };
  }
}
