// Holding a word's datagrams until the newest (`holdLatest`): the byte check and the hold, shared by the input's socket
// reader on its own thread and the one on the main thread. Imports nothing, so the reader thread starts small.

/** Who sent a datagram. */
export interface DatagramSender {
  readonly address: string;
  readonly port: number;
}

/** The newest datagram of one held address from one sender in this turn. */
export interface HeldDatagram {
  /** Index into the held addresses. */
  readonly address: number;
  bytes: Uint8Array;
  from: DatagramSender;
  /** How many older datagrams of the same address from the same sender this one replaced. */
  superseded: number;
}

/** Held datagrams of distinct addresses and senders in one turn; one more passes them all on at once. */
export const MAX_HELD = 64;

/**
 * Which of `prefixes` (a held address and its ",s" type tags, as `holdLatest` encodes them) the datagram `b` is, with
 * one string argument, NUL-terminated and zero-padded to its end; -1 for anything else (that goes through the full
 * decoder). Reads only the bytes it compares: a flood of words costs this and Node's own read per datagram.
 */
export function heldAddress(prefixes: readonly Uint8Array[], b: Uint8Array): number {
  for (let p = 0; p < prefixes.length; p++) {
    const prefix = prefixes[p]!;
    const n = prefix.length;
    if (b.length < n + 4 || (b.length & 3) !== 0) continue;
    let i = 0;
    while (i < n && b[i] === prefix[i]) i++;
    if (i < n) continue;
    // The string ends at its first NUL, which must lie in the last four bytes, with only NULs after it.
    let end = n;
    while (end < b.length && b[end] !== 0) end++;
    if (end < b.length - 4) return -1;
    for (let k = end; k < b.length; k++) if (b[k] !== 0) return -1;
    return end < b.length ? p : -1;
  }
  return -1;
}

/**
 * The held datagrams of one socket: each replaces the one held from the same sender to the same address; all are
 * passed on (to `pass`, in the order their address and sender first came) at the end of the turn of the event loop,
 * when MAX_HELD are held and one more comes, or when the reader `take`s them first (ahead of any other datagram).
 */
export class LatestHold {
  private held: HeldDatagram[] = [];
  private turn: NodeJS.Immediate | null = null;

  constructor(private readonly pass: (held: HeldDatagram[]) => void) {}

  hold(address: number, bytes: Uint8Array, from: DatagramSender): void {
    for (const h of this.held) {
      if (h.address === address && h.from.port === from.port && h.from.address === from.address) {
        h.bytes = bytes;
        h.from = from;
        h.superseded += 1;
        return;
      }
    }
    if (this.held.length >= MAX_HELD) this.flush();
    this.held.push({ address, bytes, from, superseded: 0 });
    this.turn ??= setImmediate(() => {
      this.turn = null;
      this.flush();
    });
  }

  /** Everything held, emptied; the end of the turn then passes on nothing. */
  take(): HeldDatagram[] {
    if (this.held.length === 0) return [];
    const held = this.held;
    this.held = [];
    return held;
  }

  flush(): void {
    const held = this.take();
    if (held.length > 0) this.pass(held);
  }

  /** Forgets what is held (the socket is closing). */
  drop(): void {
    if (this.turn) clearImmediate(this.turn);
    this.turn = null;
    this.held = [];
  }
}
