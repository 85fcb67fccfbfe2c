// Who may send to an OSC input: the `allow:` list of IP addresses and CIDR ranges, parsed and checked — pure apart from node:net.

import { BlockList, isIP } from 'node:net';

/** One entry of `allow:`, e.g. `192.168.1.20`, `192.168.1.0/24`, `::1`, `fd00::/8`. */
export interface AllowEntry {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** An entry of `allow:` as text, or why it is not one (a sentence fragment). */
export function parseAllowEntry(text: string): AllowEntry | { error: string } {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return { error: `"${text}" is not an IP address or a CIDR range (e.g. 192.168.1.20 or 192.168.1.0/24); host names are not allowed here` };
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return { error: `"${text}": the prefix length must be a whole number 0..${max}` };
  return { address, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * A check of a datagram's source address against the entries: true when one covers it. IPv4 senders seen through an
 * IPv6 socket (`::ffff:192.168.1.20`) are checked as the IPv4 address they are.
 */
export function allowChecker(entries: readonly AllowEntry[]): (source: string) => boolean {
  const list = new BlockList();
  for (const e of entries) list.addSubnet(e.address, e.prefix, e.family);
  return (source) => {
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(source)?.[1];
    const address = v4 ?? source;
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
