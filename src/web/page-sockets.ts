// What the monitor owes the network: every send to a page bounded by what it has taken, and pages that stopped listening closed.

import { WebSocket } from 'ws';

/**
 * A page whose socket still holds this much unsent data is behind: it skips frames and replies until it drains. Sends
 * are never awaited, so a stuck page costs memory up to about this bound and nothing else.
 */
export const MAX_BUFFERED = 256 * 1024;

/** How often every page is pinged; one that has not answered by the next ping, or was behind at both, is closed. */
export const PING_MS = 10_000;

/** What the monitor refused or gave up on, for --stats and tests; every count only grows. */
export interface WebCounters {
  /** Requests and upgrades that could not be read (bad URL, cookie, header, HTTP): answered with 400. */
  badRequests: number;
  /** Requests and upgrades refused by the host, origin or token rule (401, 403) or for an unknown path (404). */
  refused: number;
  /** Frames and replies not sent to a page that was behind. */
  skipped: number;
  /** Pages closed for staying behind a whole ping interval. */
  closedSlow: number;
  /** Pages closed for not answering a ping (gone, or stopped in the middle of a frame). */
  closedIdle: number;
}

/** The monitor's line in --stats. */
export function webStatsLine(c: Readonly<WebCounters>): string {
  return `stats: web: bad requests ${c.badRequests}, refused ${c.refused}, sends skipped ${c.skipped}, pages closed (behind) ${c.closedSlow}, pages closed (silent) ${c.closedIdle}`;
}

export const emptyWebCounters = (): WebCounters => ({ badRequests: 0, refused: 0, skipped: 0, closedSlow: 0, closedIdle: 0 });

/** What a send needs of a page's socket. */
export interface PageSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(text: string): void;
}

/** Sends `text` unless the page is closed or behind; true when it went out. A send that throws closes nothing and is skipped. */
export function sendToPage(ws: PageSocket, text: string, counts: WebCounters, maxBuffered = MAX_BUFFERED): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  if (ws.bufferedAmount >= maxBuffered) {
    counts.skipped++;
    return false;
  }
  try {
    ws.send(text);
    return true;
  } catch {
    counts.skipped++;
    return false;
  }
}

interface Watched {
  answered: boolean;
  behind: boolean;
}

/**
 * Pings every page each `pingMs`; a page that did not answer the previous ping, or was behind then and still is, is
 * terminated. Returns a stop function. The timer never keeps the process alive.
 */
export function watchPages(clients: Set<WebSocket>, counts: WebCounters, pingMs = PING_MS, maxBuffered = MAX_BUFFERED): () => void {
  const seen = new WeakMap<WebSocket, Watched>();
  const tick = () => {
    for (const ws of clients) {
      let w = seen.get(ws);
      if (!w) {
        w = { answered: true, behind: false };
        seen.set(ws, w);
        ws.on('pong', () => (w!.answered = true));
        ws.on('message', () => (w!.answered = true));
      }
      const behind = ws.bufferedAmount >= maxBuffered;
      if (!w.answered || (w.behind && behind)) {
        if (w.answered) counts.closedSlow++;
        else counts.closedIdle++;
        ws.terminate();
        continue;
      }
      w.behind = behind;
      w.answered = false;
      try {
        ws.ping();
      } catch {
        // a socket closing meanwhile: the next tick no longer sees it
      }
    }
  };
  const timer = setInterval(tick, pingMs);
  timer.unref();
  return () => clearInterval(timer);
}
