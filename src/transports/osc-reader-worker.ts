// The OSC input's socket on a thread of its own: reads every datagram, holds a word's (see osc-hold.ts) and posts the
// rest to the main thread after each read (a batch of up to 32), so the thread playing the faders never reads a flood.

import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { heldAddress, LatestHold, type DatagramSender } from './osc-hold.js';
import type { ReaderItem, ReaderOptions, ReaderReport, ReaderRequest } from './osc-thread-reader.js';
import { nameThisThread, OSC_READER_THREAD } from '../system/scheduling.js';

nameThisThread(OSC_READER_THREAD);

const opts = workerData as ReaderOptions;
const port = parentPort!;
const post = (r: ReaderReport, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);

/** What a socket error says, as plain data: an Error does not keep its code through postMessage. */
function errorInfo(err: NodeJS.ErrnoException) {
  return { message: err.message, code: err.code, errno: err.errno, syscall: err.syscall };
}

let prefixes: Uint8Array[] = [];

/**
 * What this turn read, in order, posted in one message at the end of the reading (a fader's datagram waits only for the
 * rest of the datagrams read with it, at most 32): a message per datagram cost the main thread a wake-up each.
 */
let batch: ReaderItem[] = [];
let transfer: ArrayBuffer[] = [];
let batchTurn: NodeJS.Immediate | null = null;

function postBatch(): void {
  batchTurn = null;
  if (batch.length === 0) return;
  post({ kind: 'data', items: batch }, transfer);
  batch = [];
  transfer = [];
}

/** Datagrams queued for the main thread, and (written by it) taken: a bounded queue between the threads. */
const taken = new Int32Array(opts.queue);
let queued = 0;

function add(bytes: Uint8Array | null, from: DatagramSender, superseded: number): void {
  queued = (queued + 1) | 0;
  if (bytes === null) batch.push({ bytes, address: from.address, port: from.port, superseded });
  else {
    // A copy of its own, moved to the main thread with the message rather than copied again.
    const own = new Uint8Array(bytes);
    transfer.push(own.buffer);
    batch.push({ bytes: own, address: from.address, port: from.port, superseded });
  }
  batchTurn ??= setImmediate(postBatch);
}

/** Held words go after what this turn read before them (every datagram that is not a word takes them first). */
const hold = new LatestHold((held) => {
  for (const h of held) add(h.bytes, h.from, h.superseded);
  postBatch();
});
const addHeld = () => {
  for (const h of hold.take()) add(h.bytes, h.from, h.superseded);
};

/**
 * Datagrams dropped because the main thread is a full queue behind: where it reads its own socket, the kernel's buffer
 * is that bound (what does not fit is dropped). Told once per turn, and counted there as dropped.
 */
let overflow = 0;
function overflowed(): boolean {
  if (((queued - Atomics.load(taken, 0)) | 0) < opts.maxQueued) return false;
  if (overflow++ === 0) {
    setImmediate(() => {
      post({ kind: 'lost', count: overflow });
      overflow = 0;
    });
  }
  return true;
}

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
    const oversized = buf.length > opts.maxPacketBytes;
    if (!oversized && prefixes.length > 0) {
      const address = heldAddress(prefixes, buf);
      if (address >= 0) return hold.hold(address, buf, rinfo);
    }
    if (overflowed()) return;
    addHeld();
    add(oversized ? null : buf, rinfo, -1);
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
  batch = [];
  try {
    socket.close(() => port.close());
  } catch {
    port.close();
  }
});
