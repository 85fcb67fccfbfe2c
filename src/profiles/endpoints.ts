// Parsing of where things connect: host:port with defaults, MIDI port names (exact, glob, /regex/), and OSC address templates.

import type { HostPort, PortMatcher } from './types.js';

/** Yamaha's remote control protocol: the TCP port its desks listen on (companion-module-yamaha-rcp; the DM7 and CL manuals). */
export const DEFAULT_RCP_PORT = 49280;

/** Where eqmorph listens for an OSC surface unless the mapping says otherwise. */
export const DEFAULT_OSC_LISTEN: HostPort = { host: '0.0.0.0', port: 9000 };
/** Where eqmorph sends to an OSC EQ unless the mapping says otherwise. */
export const DEFAULT_OSC_SEND: HostPort = { host: '127.0.0.1', port: 9001 };

/**
 * `host:port`, `host`, `:port`, a port number, or `[v6]:port`; missing parts come from `defaults`.
 * Returns a sentence instead of throwing when the text is not an address.
 */
export function parseHostPort(text: string | number, defaults: HostPort): HostPort | { error: string } {
  if (typeof text === 'number') return checkPort(defaults.host, String(text));
  const s = text.trim();
  if (/^\d+$/.test(s)) return checkPort(defaults.host, s);
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d*))?$/.exec(s);
  if (v6) return v6[2] ? checkPort(v6[1]!, v6[2]) : { host: v6[1]!, port: defaults.port };
  if ((s.match(/:/g) ?? []).length > 1) return /^[0-9A-Fa-f:.]+$/.test(s) ? { host: s, port: defaults.port } : { error: 'write an IPv6 address with a port as [::1]:9000' };
  const [host = '', port] = s.split(':');
  if (host !== '' && !/^[A-Za-z0-9.-]+$/.test(host)) return { error: `"${host}" is not a host name or IP address` };
  if (port === undefined) return host === '' ? { error: 'empty address' } : { host, port: defaults.port };
  return checkPort(host === '' ? defaults.host : host, port);
}

function checkPort(host: string, port: string): HostPort | { error: string } {
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) return { error: `port must be a whole number 1..65535, got "${port}"` };
  return { host, port: n };
}

/** `/regex/flags` is a regular expression, a name with `*` or `?` a glob, anything else an exact port name. */
export function parsePortMatcher(text: string): PortMatcher | { error: string } {
  const re = /^\/(.+)\/([a-z]*)$/.exec(text);
  if (re) {
    try {
      return { kind: 'regex', regex: new RegExp(re[1]!, re[2]) };
    } catch (err) {
      return { error: `not a regular expression: ${(err as Error).message}` };
    }
  }
  if (/[*?]/.test(text)) {
    const body = text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return { kind: 'glob', pattern: text, regex: new RegExp(`^${body}$`) };
  }
  return { kind: 'exact', name: text };
}

/** Whether a MIDI port name is the one a matcher means (a virtual port is matched by its own name). */
export function matchesPort(matcher: PortMatcher, portName: string): boolean {
  switch (matcher.kind) {
    case 'exact':
    case 'virtual':
      return matcher.name === portName;
    case 'glob':
    case 'regex':
      return matcher.regex.test(portName);
  }
}

/**
 * Fills `{band}`, `{instance}`, zero-padded `{instance:02}` and zero-based `{band-1}` / `{instance-1}` (protocols that
 * count from 0, such as Yamaha's) placeholders; unknown placeholders stay as written.
 */
export function formatAddress(template: string, vars: { readonly band?: number; readonly instance?: number }): string {
  return template.replace(/\{(band|instance)(-1)?(?::0(\d))?\}/g, (whole, name: 'band' | 'instance', less?: string, width?: string) => {
    const raw = vars[name];
    if (raw === undefined) return whole;
    const v = less ? raw - 1 : raw;
    return width ? String(v).padStart(Number(width), '0') : String(v);
  });
}
