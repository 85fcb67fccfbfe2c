// The OSC input's socket on a thread of its own: reads every datagram, holds a word's (see osc-hold.ts) and posts the
// rest to the main thread as they come, so that the thread playing the faders never reads a flood of words itself.

import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { heldAddress, LatestHold, type HeldDatagram } from './osc-hold.js';
import type { ReaderItem, ReaderOptions, ReaderReport, ReaderRequest } from './osc-thread-reader.js';

const opts = workerData as ReaderOptions;
const port = parentPort!;
const post = (r: ReaderReport, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);

/** What a socket error says, as plain data: an Error does not keep its code through postMessage. */
function errorInfo(err: NodeJS.ErrnoException) {
  return { message: err.message, code: err.code, errno: err.errno, syscall: err.syscall };
}

let prefixes: Uint8Array[] = [];
/** Datagrams posted in one message (a flush of held words, then the datagram that caused it). */
const transfer: ArrayBuffer[] = [];

function item(bytes: Uint8Array, from: dgram.RemoteInfo | HeldDatagram['from'], superseded: number): ReaderItem {
  // A copy of its own, moved to the main thread with the message rather than copied again.
  const own = new Uint8Array(bytes);
  transfer.push(own.buffer);
  return { bytes: own, address: from.address, port: from.port, superseded };
}

/** Datagrams posted, and (written by the main thread) taken: a bounded queue between the threads. */
const taken = new Int32Array(opts.queue);
let posted = 0;

function postItems(items: ReaderItem[]): void {
  posted = (posted + items.length) | 0;
  post({ kind: 'data', items }, transfer.splice(0));
}

/**
 * Datagrams dropped because the main thread is a full queue behind: where it reads its own socket, the kernel's buffer
 * is that bound (what does not fit is dropped). Told once per turn, and counted there as dropped.
 */
let overflow = 0;
function overflowed(): boolean {
  if (((posted - Atomics.load(taken, 0)) | 0) < opts.maxQueued) return false;
  if (overflow++ === 0) {
    setImmediate(() => {
      post({ kind: 'lost', count: overflow });
      overflow = 0;
    });
  }
  return true;
}

const heldItems = (held: readonly HeldDatagram[]) => held.map((h) => item(h.bytes, h.from, h.superseded));
const hold = new LatestHold((held) => postItems(heldItems(held)));

const socket = dgram.createSocket(opts.socketType);
const onBindError = (err: NodeJS.ErrnoException) => {
  post({ kind: 'bind-error', error: errorInfo(err) });
  try {
    socket.close();
  } catch {
    // already closed by the failed bind
  }
  port.close();
};
socket.once('error', onBindError);
socket.on('message', (buf, rinfo) => {
  try {
    if (buf.length > opts.maxPacketBytes) {
      if (overflowed()) return;
      postItems([...heldItems(hold.take()), { bytes: null, address: rinfo.address, port: rinfo.port, superseded: -1 }]);
      return;
    }
    if (prefixes.length > 0) {
      const address = heldAddress(prefixes, buf);
      if (address >= 0) return hold.hold(address, buf, rinfo);
    }
    if (overflowed()) return;
    const items = heldItems(hold.take());
    items.push(item(buf, rinfo, -1));
    postItems(items);
  } catch {
    post({ kind: 'lost', count: 1 });
  }
});
socket.bind(opts.port, opts.host, () => {
  socket.off('error', onBindError);
  socket.on('error', (err) => post({ kind: 'error', error: errorInfo(err) }));
  try {
    socket.setRecvBufferSize(opts.receiveBufferBytes);
  } catch {
    // the OS refused the size; its default still works, only with less room for bursts
  }
  const a = socket.address();
  post({ kind: 'bound', address: a.address, port: a.port, receiveBufferBytes: socket.getRecvBufferSize() });
});

port.on('message', (r: ReaderRequest) => {
  if (r.kind === 'hold') {
    hold.flush();
    prefixes = r.prefixes;
    return;
  }
  hold.drop();
  try {
    socket.close(() => port.close());
  } catch {
    port.close();
  }
});
