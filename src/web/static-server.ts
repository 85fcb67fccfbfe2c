// The monitor's HTTP side: serves the page's static folder, and refuses requests without the token when one is required.

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { PACKAGE_ROOT } from '../data/paths.js';
import { checkRequest, requestToken, TOKEN_COOKIE, type WebAccess } from './access.js';
import { emptyWebCounters, type WebCounters } from './page-sockets.js';

/**
 * The page lives next to this file's source, and is read from there both when running from src/ (tsx) and from the
 * compiled dist/: the compiler copies no HTML, and the package ships src/ anyway.
 */
export const STATIC_DIR = resolve(PACKAGE_ROOT, 'src', 'web', 'static');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // The page needs nothing from elsewhere: its own scripts and styles, and its own socket.
  'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
};

/** The file a URL path names inside `root`, or null for anything outside it or of a type the page does not use. */
export function staticPath(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(new URL(urlPath, 'http://x').pathname);
  } catch {
    return null;
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = resolve(root, '.' + path);
  if (!file.startsWith(root + sep)) return null;
  return TYPES[extname(file)] ? file : null;
}

async function serve(root: string, access: WebAccess, counts: WebCounters, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = access.token;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
    return;
  }
  const verdict = checkRequest(req, access);
  if (!verdict.ok) {
    if (verdict.status === 400) counts.badRequests++;
    else counts.refused++;
    res.writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(verdict.reason + '\n');
    return;
  }
  const file = staticPath(root, req.url ?? '/');
  const body = file ? await readFile(file).catch(() => null) : null;
  if (!file || !body) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('not found\n');
    return;
  }
  const headers: Record<string, string> = { 'Content-Type': TYPES[extname(file)]!, 'Cache-Control': 'no-cache', ...SECURITY_HEADERS };
  // The page's own scripts, styles and socket then carry the token without it being written into every URL.
  if (token !== null && requestToken(req) !== null) headers['Set-Cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
  res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
}

/** The answer to a request that could not be read; nothing about it is trusted, so it says nothing either. */
export const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * An HTTP server for the page (not yet listening). Nothing a request carries may throw out of it: a handler that fails
 * answers 400 and is counted, and so is a request Node's parser could not read.
 */
export function createStaticServer(access: WebAccess, root = STATIC_DIR, counts: WebCounters = emptyWebCounters()): Server {
  const server = createServer((req, res) => {
    serve(root, access, counts, req, res).catch(() => {
      counts.badRequests++;
      if (!res.headersSent) res.writeHead(400, SECURITY_HEADERS).end();
      else res.destroy();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    counts.badRequests++;
    if (err.code !== 'ECONNRESET' && socket.writable) socket.end(BAD_REQUEST);
    else socket.destroy();
  });
  return server;
}
