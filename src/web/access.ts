// Who may reach the web monitor: the --web address, the loopback rule, and the token check for page and socket — pure.

import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { parseHostPort } from '../profiles/endpoints.js';
import type { HostPort } from '../profiles/types.js';

/** Where the monitor listens unless --web says otherwise: this machine only. */
export const DEFAULT_WEB: HostPort = { host: '127.0.0.1', port: 8373 };

/** The cookie a page gets once it was opened with the right token, so its own scripts and socket carry it. */
export const TOKEN_COOKIE = 'eqmorph_token';

export interface WebAccess {
  readonly listen: HostPort;
  /** Null: no token is asked for (only allowed on a loopback host). */
  readonly token: string | null;
  /** Host names besides loopback, IP addresses and the --web host that a request may name (--web-allow-host). */
  readonly allowHosts?: readonly string[];
}

/** A request that cannot be read (a URL, a cookie or a header that does not parse): answered with 400, never thrown further. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/** The path of a request's URL, or a BadRequestError for one that is not a URL path (`//`, `http://[`). */
export function requestPath(req: RequestLike): string {
  try {
    return new URL(req.url ?? '/', 'http://x').pathname;
  } catch {
    throw new BadRequestError('the request URL does not parse');
  }
}

/** `[HOST:]PORT` as given to --web; port 0 lets the OS pick a free one (tests). */
export function parseWebAddress(text: string): HostPort | { error: string } {
  if (/^\s*:?0\s*$/.test(text)) return { host: DEFAULT_WEB.host, port: 0 };
  const zero = /^(.+):0$/.exec(text.trim());
  if (zero) {
    const hp = parseHostPort(`${zero[1]}:1`, DEFAULT_WEB);
    return 'error' in hp ? hp : { host: hp.host, port: 0 };
  }
  const hp = parseHostPort(text, DEFAULT_WEB);
  // The shared parser knows ports 1..65535; here 0 is allowed too, and the message should say so.
  return 'error' in hp ? { error: hp.error.replace('1..65535', '0..65535 (0 picks a free port)') } : hp;
}

/** True for names and addresses that never leave this machine. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/** Why the monitor must not start with these settings (a sentence with the fix), or null. */
export function webAccessProblem(access: WebAccess): string | null {
  if (access.token !== null && access.token.trim() === '') return '--web-token: the token is empty; give a secret word, e.g. --web-token "$(openssl rand -hex 16)"';
  if (isLoopback(access.listen.host) || access.token !== null) return null;
  return `--web ${access.listen.host}: a host other than 127.0.0.1 lets other machines move the EQ; add --web-token TOKEN, or leave --web on 127.0.0.1`;
}

/** The warning printed when the monitor is reachable from other machines. */
export function exposureWarning(access: WebAccess): string | null {
  if (isLoopback(access.listen.host)) return null;
  return `eqmorph: warning: the web monitor is reachable from other machines on ${access.listen.host}; anyone with the token can move the EQ, and plain HTTP does not hide the token on the network`;
}

export interface RequestLike {
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

const header = (req: RequestLike, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The token a request carries: `?token=`, `Authorization: Bearer`, `X-Eqmorph-Token`, or the page's cookie. */
export function requestToken(req: RequestLike): string | null {
  let query: string | null;
  try {
    query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  } catch {
    throw new BadRequestError('the request URL does not parse');
  }
  if (query !== null) return query;
  const auth = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  if (auth) return auth[1]!.trim();
  const custom = header(req, 'x-eqmorph-token');
  if (custom !== undefined) return custom;
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== TOKEN_COOKIE) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      throw new BadRequestError(`the ${TOKEN_COOKIE} cookie is not URL-encoded text`);
    }
  }
  return null;
}

/** Compares in constant time: hashing first makes both sides the same length whatever was sent. */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

export type AccessVerdict = { readonly ok: true } | { readonly ok: false; readonly status: 400 | 401 | 403 | 404; readonly reason: string };

/** The host part of a Host header, lower case, without port, brackets or a final dot; null when there is none. */
export function hostName(header: string): string | null {
  const h = header.trim().toLowerCase();
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(h);
  const name = bracketed ? bracketed[1]! : h.split(':').length === 2 ? h.split(':')[0]! : h;
  const bare = name.replace(/\.$/, '');
  return bare === '' ? null : bare;
}

/**
 * DNS rebinding: a page of another site whose name was pointed at this machine talks to the monitor as its own origin,
 * so the Origin check cannot see it; the Host header still carries that site's name. Allowed are loopback names, IP
 * addresses (an address cannot be re-pointed), the --web host and the names given with --web-allow-host. A request
 * without Host (HTTP/1.0, a script) cannot come from a browser page and is left to the token check.
 */
export function checkHost(req: RequestLike, access: Pick<WebAccess, 'listen' | 'allowHosts'>): AccessVerdict {
  const given = header(req, 'host');
  if (given === undefined) return { ok: true };
  const name = hostName(given);
  if (name === null) return { ok: false, status: 400, reason: 'the Host header names no host' };
  const allowed = isLoopback(name) || isIP(name) !== 0 || name === access.listen.host.toLowerCase() || (access.allowHosts ?? []).some((a) => a.toLowerCase() === name);
  return allowed ? { ok: true } : { ok: false, status: 403, reason: `host ${name} is not this monitor's; add --web-allow-host ${name} if it is` };
}

/** The host rule, then the origin and token rules: what every page request and socket upgrade must pass. */
export function checkRequest(req: RequestLike, access: WebAccess): AccessVerdict {
  const host = checkHost(req, access);
  return host.ok ? checkAccess(req, access.token) : host;
}

/**
 * 401 when a token is needed and none came, 403 when a wrong one came. A socket opened from a page of another site
 * (its Origin names another host) is refused too: without it any web page the user visits could drive a loopback monitor.
 */
export function checkAccess(req: RequestLike, token: string | null): AccessVerdict {
  const origin = header(req, 'origin');
  const host = header(req, 'host');
  if (origin !== undefined && host !== undefined) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (originHost !== host) return { ok: false, status: 403, reason: `origin ${origin} is not this monitor` };
  }
  if (token === null) return { ok: true };
  let given: string | null;
  try {
    given = requestToken(req);
  } catch (err) {
    if (err instanceof BadRequestError) return { ok: false, status: 400, reason: err.message };
    throw err;
  }
  if (given === null) return { ok: false, status: 401, reason: 'this monitor needs its token: open it as http://HOST:PORT/?token=TOKEN' };
  if (!sameSecret(given, token)) return { ok: false, status: 403, reason: 'wrong token' };
  return { ok: true };
}
