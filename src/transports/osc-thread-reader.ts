// Starts and talks to an OSC input's socket reader on a worker thread (osc-reader-worker.ts).

import { Worker } from 'node:worker_threads';

/** What the input asks of its reader. */
export interface ReaderSettings {
  readonly socketType: 'udp4' | 'udp6';
  readonly host: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  readonly maxPacketBytes: number;
  /** Datagrams the reader may have posted that this thread has not taken yet; more are dropped (counted). */
  readonly maxQueued: number;
}

export interface ReaderOptions extends ReaderSettings {
  /** Four bytes shared with the reader: how many datagrams this thread has taken (written here). */
  readonly queue: SharedArrayBuffer;
}

/**
 * One datagram read: its bytes (null when larger than `maxPacketBytes`: not copied, only counted), its sender, and for
 * a held word how many older ones it replaced (-1 for a datagram that was not held).
 */
export interface ReaderItem {
  readonly bytes: Uint8Array | null;
  readonly address: string;
  readonly port: number;
  readonly superseded: number;
}

export interface SocketErrorInfo {
  readonly message: string;
  readonly code?: string | undefined;
  readonly errno?: number | undefined;
  readonly syscall?: string | undefined;
}

/** Reader to main thread. `lost`: datagrams the reader failed on (counted as dropped). */
export type ReaderReport =
  | { readonly kind: 'bound'; readonly address: string; readonly port: number; readonly receiveBufferBytes: number }
  | { readonly kind: 'bind-error' | 'error'; readonly error: SocketErrorInfo }
  | { readonly kind: 'data'; readonly items: ReaderItem[] }
  | { readonly kind: 'lost'; readonly count: number };

/** Main thread to reader: the held addresses' prefixes (see `heldAddress`), or close the socket and end. */
export type ReaderRequest = { readonly kind: 'hold'; readonly prefixes: Uint8Array[] } | { readonly kind: 'close' };

export interface ReaderEvents {
  data(items: readonly ReaderItem[]): void;
  lost(count: number): void;
  /** A socket error after the bind (the error as the socket gave it, code included). */
  error(err: Error): void;
  /** The thread ended while the reader was open (it never does on its own). */
  ended(): void;
}

export interface ThreadReader {
  readonly address: { readonly host: string; readonly port: number };
  readonly receiveBufferBytes: number;
  hold(prefixes: Uint8Array[]): void;
  close(): Promise<void>;
}

/** Why the reader did not start: the socket did not bind (`bind`, with the socket's error), or no thread ran it. */
export type ReaderStartError = { readonly kind: 'bind'; readonly error: Error } | { readonly kind: 'thread'; readonly error: Error };

/**
 * The reader needs a few kilobytes a turn: a small heap keeps its share of the resident memory small (V8 would size it
 * like the main thread's).
 */
const LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } as const;

/**
 * From the compiled dist/ the worker is a .js file. From src/ (tests, benches, under tsx) it is the .ts beside this
 * one, which a worker cannot load without tsx's loader, and registering that in each worker took over a second per
 * input opened on a busy machine: it is bundled once per process instead (esbuild, which tsx itself runs on).
 */
let bundled: Promise<string> | null = null;

async function startWorker(workerData: ReaderOptions): Promise<Worker> {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./osc-reader-worker.js', import.meta.url), { workerData, resourceLimits: LIMITS });
  bundled ??= import('esbuild').then(async (esbuild) => {
    const out = await esbuild.build({ entryPoints: [new URL('./osc-reader-worker.ts', import.meta.url).pathname], bundle: true, format: 'cjs', platform: 'node', target: 'node20', write: false, logLevel: 'silent' });
    return out.outputFiles[0]!.text;
  });
  return new Worker(await bundled, { eval: true, workerData, resourceLimits: LIMITS });
}

export function socketError(info: SocketErrorInfo): Error {
  return Object.assign(new Error(info.message), { code: info.code, errno: info.errno, syscall: info.syscall });
}

/**
 * Binds a UDP socket on a worker thread and resolves once it is bound; rejects with a `ReaderStartError`. Its events
 * come in the order the reader read the datagrams.
 */
export function startThreadReader(options: ReaderSettings, on: ReaderEvents): Promise<ThreadReader> {
  const withQueue: ReaderOptions = { ...options, queue: new SharedArrayBuffer(4) };
  return startWorker(withQueue).then(
    (worker) => talkTo(worker, withQueue, on),
    (err: Error) => Promise.reject({ kind: 'thread', error: err } satisfies ReaderStartError),
  );
}

function talkTo(worker: Worker, options: ReaderOptions, on: ReaderEvents): Promise<ThreadReader> {
  return new Promise((resolve, reject) => {
    const taken = new Int32Array(options.queue);
    let state: 'starting' | 'open' | 'closing' | 'ended' = 'starting';
    let closed: Promise<void> | null = null;
    const exited = new Promise<void>((done) => worker.once('exit', () => done()));
    const reader: ThreadReader = {
      address: { host: options.host, port: options.port },
      receiveBufferBytes: 0,
      hold: (prefixes) => worker.postMessage({ kind: 'hold', prefixes } satisfies ReaderRequest),
      close: () => {
        if (closed) return closed;
        if (state === 'open') {
          state = 'closing';
          worker.postMessage({ kind: 'close' } satisfies ReaderRequest);
        }
        // The thread ends once its socket is closed; a thread that does not is ended.
        const late = setTimeout(() => void worker.terminate(), 1000);
        closed = exited.then(() => clearTimeout(late));
        return closed;
      },
    };
    worker.on('message', (r: ReaderReport) => {
      switch (r.kind) {
        case 'data':
          on.data(r.items);
          Atomics.add(taken, 0, r.items.length);
          return;
        case 'lost':
          return on.lost(r.count);
        case 'error':
          return on.error(socketError(r.error));
        case 'bound':
          state = 'open';
          return resolve({ ...reader, address: { host: r.address, port: r.port }, receiveBufferBytes: r.receiveBufferBytes });
        case 'bind-error':
          state = 'ended';
          return reject({ kind: 'bind', error: socketError(r.error) } satisfies ReaderStartError);
      }
    });
    worker.on('error', (err) => {
      if (state === 'starting') reject({ kind: 'thread', error: err } satisfies ReaderStartError);
    });
    worker.once('exit', () => {
      const was = state;
      state = 'ended';
      if (was === 'starting') reject({ kind: 'thread', error: new Error('the socket reader thread stopped before its socket was bound') } satisfies ReaderStartError);
      else if (was === 'open') on.ended();
    });
  });
}
