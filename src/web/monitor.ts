// Starts and stops the web monitor: one HTTP server for the page, its WebSocket feed on /ws, both behind the same access check.

import type { AddressInfo } from 'node:net';
import { of } from 'rxjs';
import { WebSocketServer } from 'ws';
import type { EqModel } from '../model/eq-model.js';
import type { Mapping } from '../profiles/types.js';
import { OscUdpTransport } from '../transports/osc-udp.js';
import type { Transport } from '../transports/transport.js';
import { checkRequest, requestPath, type AccessVerdict, type WebAccess } from './access.js';
import { attachFeed, type FeedSources } from './feed.js';
import { emptyWebCounters, PING_MS, watchPages, type WebCounters } from './page-sockets.js';
import { BAD_REQUEST, createStaticServer, STATIC_DIR } from './static-server.js';
import { soundMapFor } from '../model/sound-map-file.js';
import { mapView } from './view-model.js';

export interface WebMonitor {
  /** The address the page is served on, with the port the OS picked when 0 was asked for. */
  readonly url: string;
  readonly port: number;
  /** Starts the state feed from a running bridge; until then the page loads and its socket waits for frames. */
  attach(sources: FeedSources): void;
  /** Requests refused or unreadable, and pages skipped or closed, since start. */
  counters(): Readonly<WebCounters>;
  close(): Promise<void>;
}

export interface WebMonitorOptions {
  readonly staticDir?: string;
  /** How often pages are pinged (tests shorten it). */
  readonly pingMs?: number;
}

const STATUS_TEXT: Record<Extract<AccessVerdict, { ok: false }>['status'], string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

/** The page never sends more than a short command; anything larger is not from it. */
const MAX_PAYLOAD = 4096;

/** The sound map of a model's default vocabulary: the one shipped in `dir`, or computed now if that is stale. */
export function modelMap(model: EqModel, dir: string): Pick<FeedSources, 'map'> {
  return { map: mapView(soundMapFor(model, dir).map) };
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** Listens for the page and its socket; called before any other socket opens, so a busy port fails early and leaves nothing behind. */
export async function startWebMonitor(access: WebAccess, options: WebMonitorOptions = {}): Promise<WebMonitor> {
  const counts = emptyWebCounters();
  const server = createStaticServer(access, options.staticDir ?? STATIC_DIR, counts);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  server.on('upgrade', (req, socket, head) => {
    // Node leaves an upgraded socket without an error listener: a client that resets it must not crash eqmorph.
    socket.on('error', () => socket.destroy());
    // Nothing an upgrade request carries may throw out of this listener: what cannot be read is answered 400 and counted.
    try {
      const verdict: AccessVerdict = requestPath(req) === '/ws' ? checkRequest(req, access) : { ok: false, status: 404, reason: 'not found' };
      if (!verdict.ok) {
        if (verdict.status === 400) counts.badRequests++;
        else counts.refused++;
        socket.end(`HTTP/1.1 ${verdict.status} ${STATUS_TEXT[verdict.status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch {
      counts.badRequests++;
      if (socket.writable) socket.end(BAD_REQUEST);
      else socket.destroy();
    }
  });
  // A page that breaks the protocol (a bad or oversized frame) is dropped by ws with an error event; before the feed is
  // attached nobody else listens for it, and an unheard error event would end the process.
  wss.on('connection', (ws) => ws.on('error', () => ws.terminate()));
  const stopWatching = watchPages(wss.clients, counts, options.pingMs ?? PING_MS);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(access.listen.port, access.listen.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    const where = `${access.listen.host}:${access.listen.port}`;
    const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EADDRNOTAVAIL' ? 'that address is not on this machine' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new WebListenError(`web monitor: cannot listen on ${where} (${why}); choose another with --web [HOST:]PORT, or turn it off with --no-web`);
  });
  // The monitor never keeps eqmorph alive by itself (the bridge's sockets and the mapping watcher do): if opening a
  // transport fails after it started listening, the process still ends instead of serving a page for a bridge that is not there.
  server.unref();
  let feed: { close(): void } | null = null;
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(access.listen.host)}:${port}/`,
    port,
    attach: (sources) => {
      feed?.close();
      feed = attachFeed(wss, sources, counts);
    },
    counters: () => ({ ...counts }),
    close: async () => {
      stopWatching();
      feed?.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A failure to start the monitor that the user can fix (port in use, address not here): one line, exit code 1. */
export class WebListenError extends Error {
  override readonly name = 'WebListenError';
  readonly exitCode = 1;
}

export interface RunTransports {
  readonly oscInputs: ReadonlyMap<string, Transport<unknown, unknown>>;
  readonly oscOutputs: ReadonlyMap<string, Transport<unknown, unknown>>;
  readonly midiInputs: ReadonlyMap<string, Transport<unknown, unknown>>;
  readonly midiOutputs: ReadonlyMap<string, Transport<unknown, unknown>>;
}

const NO_COUNTS = { in: 0, out: 0, dropped: 0, errors: 0, reconnects: 0 } as const;

/**
 * Every input and output of the mapping, in its order, with the transport that runs it. One that was not opened (MIDI
 * where this machine has none) is listed all the same, as unavailable with the reason: the page shows what is missing.
 */
export function runTransports(mapping: Mapping, t: RunTransports, midiUnavailable: string | null): FeedSources['transports'] {
  const absent = { status$: of({ state: 'unavailable', detail: midiUnavailable ?? 'not opened' } as const), counters: () => NO_COUNTS };
  const entry = (name: string, role: 'in' | 'out', kind: 'osc' | 'midi' | 'rcp', transport: Transport<unknown, unknown> | undefined, profile: string) => {
    const local = transport instanceof OscUdpTransport && role === 'in' ? transport.localAddress() : null;
    return { name, role, kind, endpoint: local ? `${local.host}:${local.port} · ${profile}` : profile, transport: transport ?? absent };
  };
  return [
    ...[...mapping.inputs.values()].map((i) => {
      const kind = i.connection.transport;
      return entry(i.name, 'in', kind, (kind === 'osc' ? t.oscInputs : t.midiInputs).get(i.name), i.profile.name);
    }),
    ...[...mapping.outputs.values()].map((o) => {
      const kind = o.connection.transport;
      // A Yamaha (rcp) output speaks the OSC outputs' message model and sits among them.
      return entry(o.name, 'out', kind, (kind === 'midi' ? t.midiOutputs : t.oscOutputs).get(o.name), o.profile.name);
    }),
  ];
}
