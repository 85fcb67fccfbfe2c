// OSC packets: encoding packed by hand, and defensive decoding around osc-js (framing checked first, bundles flattened, unsafe messages dropped).
import oscModule from 'osc-js';

// osc-js is CommonJS with typings that declare an ES default export: at run time the default import is the OSC class
// itself, while the types put it under `.default`. Take whichever is there.
type OscClass = typeof oscModule.default;
const OSC: OscClass = (oscModule as unknown as { default?: OscClass }).default ?? (oscModule as unknown as OscClass);

export type OscArg = number | string | boolean | Uint8Array;

/** One decoded OSC message. `types` has one tag per argument, without OSC's leading comma ("ifs", not ",ifs"). */
export interface OscMessage {
  readonly address: string;
  readonly args: OscArg[];
  readonly types: string;
}

/** Why a datagram, or one message inside it, was not delivered. */
export type OscDropReason = 'oversized' | 'malformed' | 'non-finite' | 'unsupported';

export interface OscDrop {
  readonly reason: OscDropReason;
  readonly detail: string;
}

/**
 * A datagram either fails as a whole (`ok: false`: bad framing anywhere, so nothing in it is trusted), or yields its
 * messages in order (bundles flattened) plus the individual messages that were dropped (non-finite floats, argument
 * types with no `OscArg` equivalent: nil, infinitum, 64-bit integers beyond 2^53).
 */
export type OscDecodeResult =
  | { readonly ok: true; readonly messages: OscMessage[]; readonly drops: OscDrop[] }
  | { readonly ok: false; readonly drop: OscDrop };

/** The largest datagram accepted; a UDP payload cannot be larger anyway. */
export const MAX_OSC_PACKET_BYTES = 65536;
/** Bundles nested deeper than this are refused, so a crafted packet cannot recurse without bound. */
export const MAX_OSC_BUNDLE_DEPTH = 8;

const ARG_BYTES: Record<string, number> = { i: 4, f: 4, h: 8, t: 8, d: 8, T: 0, F: 0, N: 0, I: 0 };
const BUNDLE_HEAD = [0x23, 0x62, 0x75, 0x6e, 0x64, 0x6c, 0x65, 0x00]; // "#bundle\0"

class Malformed extends Error {}

/** Decodes one datagram. Never throws, whatever the bytes. */
export function decodeOscPacket(bytes: Uint8Array, maxBytes: number = MAX_OSC_PACKET_BYTES): OscDecodeResult {
  if (bytes.byteLength > maxBytes) {
    return { ok: false, drop: { reason: 'oversized', detail: `datagram of ${bytes.byteLength} bytes exceeds the ${maxBytes}-byte limit` } };
  }
  try {
    checkElement(bytes, 0, bytes.byteLength, 0);
  } catch (err) {
    return { ok: false, drop: { reason: 'malformed', detail: err instanceof Malformed ? err.message : 'unreadable packet' } };
  }
  return decodePlainMessage(bytes) ?? decodeWithOscJs(bytes);
}

/**
 * A fader's datagram is one message of a few numbers: read that by hand (framing was checked above), because osc-js's
 * object model cost ~20 µs a datagram, the largest share of the bridge's own time per event. Returns null for anything
 * else (bundles, blobs, 64-bit numbers, non-ASCII text), which osc-js decodes. Same results as osc-js, property-tested.
 */
function decodePlainMessage(b: Uint8Array): OscDecodeResult | null {
  if (b[0] !== 0x2f) return null;
  const addressEnd = b.indexOf(0);
  const address = asciiText(b, 0, addressEnd);
  if (address === null) return null;
  let off = pad4(addressEnd + 1);
  const tagsEnd = b.indexOf(0, off);
  const types = asciiText(b, off + 1, tagsEnd);
  if (types === null) return null;
  off = pad4(tagsEnd + 1);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const args: OscArg[] = [];
  for (let i = 0; i < types.length; i += 1) {
    const tag = types.charCodeAt(i);
    if (tag === 0x69) {
      args.push(view.getInt32(off));
      off += 4;
    } else if (tag === 0x66) {
      const v = view.getFloat32(off);
      if (!Number.isFinite(v)) return { ok: true, messages: [], drops: [{ reason: 'non-finite', detail: `${address}: argument ${i + 1} is ${String(v)}` }] };
      args.push(v);
      off += 4;
    } else if (tag === 0x73) {
      const end = b.indexOf(0, off);
      const text = asciiText(b, off, end);
      if (text === null) return null;
      args.push(text);
      off = pad4(end + 1);
    } else if (tag === 0x54 || tag === 0x46) args.push(tag === 0x54);
    else return null;
  }
  return { ok: true, messages: [{ address, args, types }], drops: [] };
}

/** The bytes [start, end) as text when every one is 7-bit ASCII, else null (osc-js decides what other bytes mean). */
function asciiText(b: Uint8Array, start: number, end: number): string | null {
  let text = '';
  for (let i = start; i < end; i += 1) {
    const c = b[i]!;
    if (c > 0x7f) return null;
    text += String.fromCharCode(c);
  }
  return text;
}

/** Every packet osc-js can read, bundles included; framing must have been checked first. Exported for the equivalence test. */
export function decodeWithOscJs(bytes: Uint8Array): OscDecodeResult {
  let packet: InstanceType<OscClass['Packet']>;
  try {
    // A fresh copy starting at offset 0: osc-js reads blobs from `dataView.buffer` ignoring the view's offset.
    const copy = bytes.slice();
    packet = new OSC.Packet();
    packet.unpack(new DataView(copy.buffer));
  } catch (err) {
    return { ok: false, drop: { reason: 'malformed', detail: `osc-js could not unpack it: ${err instanceof Error ? err.message : String(err)}` } };
  }
  const messages: OscMessage[] = [];
  const drops: OscDrop[] = [];
  flatten(packet.value, messages, drops);
  return { ok: true, messages, drops };
}

function flatten(value: InstanceType<OscClass['Packet']>['value'], messages: OscMessage[], drops: OscDrop[]): void {
  if (value instanceof OSC.Bundle) {
    for (const element of value.bundleElements) flatten(element, messages, drops);
    return;
  }
  const msg = value as { address: string; types: string; args: unknown[] };
  const types = msg.types.slice(1);
  const args: OscArg[] = [];
  for (let i = 0; i < types.length; i += 1) {
    const tag = types[i]!;
    const raw = msg.args[i];
    switch (tag) {
      case 'i':
        args.push(raw as number);
        break;
      case 'f':
      case 'd':
        if (!Number.isFinite(raw)) {
          drops.push({ reason: 'non-finite', detail: `${msg.address}: argument ${i + 1} is ${String(raw)}` });
          return;
        }
        args.push(raw as number);
        break;
      case 'h':
      case 't': {
        const n = Number(raw as bigint);
        if (!Number.isSafeInteger(n)) {
          drops.push({ reason: 'unsupported', detail: `${msg.address}: 64-bit argument ${i + 1} is beyond 2^53` });
          return;
        }
        args.push(n);
        break;
      }
      case 's':
        args.push(raw as string);
        break;
      case 'b':
        args.push((raw as Uint8Array).slice());
        break;
      case 'T':
        args.push(true);
        break;
      case 'F':
        args.push(false);
        break;
      default:
        drops.push({ reason: 'unsupported', detail: `${msg.address}: argument type '${tag}' is not supported` });
        return;
    }
  }
  messages.push({ address: msg.address, args, types });
}

/** Checks the framing of a message or bundle occupying exactly [start, end); throws Malformed with a reason. */
function checkElement(b: Uint8Array, start: number, end: number, depth: number): void {
  const length = end - start;
  if (length === 0) throw new Malformed('empty packet');
  if (length % 4 !== 0) throw new Malformed(`length ${length} is not a multiple of 4`);
  if (isBundleHead(b, start, end)) {
    if (depth >= MAX_OSC_BUNDLE_DEPTH) throw new Malformed(`bundles nested deeper than ${MAX_OSC_BUNDLE_DEPTH}`);
    let off = start + 16; // "#bundle\0" + 8-byte time tag
    if (off > end) throw new Malformed('bundle truncated in its time tag');
    while (off < end) {
      if (off + 4 > end) throw new Malformed('bundle element size truncated');
      const size = readInt32(b, off);
      off += 4;
      if (size <= 0 || size % 4 !== 0 || off + size > end) throw new Malformed(`bundle element size ${size} does not fit the bundle`);
      checkElement(b, off, off + size, depth + 1);
      off += size;
    }
    return;
  }
  if (b[start] !== 0x2f) throw new Malformed('address does not start with "/"');
  let off = readString(b, start, end, 'address');
  if (off >= end) throw new Malformed('type tag string missing');
  if (b[off] !== 0x2c) throw new Malformed('type tag string does not start with ","');
  const tagStart = off + 1;
  const tagsEnd = b.indexOf(0, off);
  off = readString(b, off, end, 'type tag string');
  for (let t = tagStart; t < tagsEnd; t += 1) {
    const tag = String.fromCharCode(b[t]!);
    if (tag === 's') {
      off = readString(b, off, end, 'string argument');
    } else if (tag === 'b') {
      if (off + 4 > end) throw new Malformed('blob size truncated');
      const size = readInt32(b, off);
      if (size < 0) throw new Malformed(`negative blob size ${size}`);
      const dataEnd = off + 4 + size;
      const padded = off + 4 + pad4(size);
      if (padded > end) throw new Malformed('blob truncated');
      checkZero(b, dataEnd, padded, 'blob');
      off = padded;
    } else {
      const n = ARG_BYTES[tag];
      if (n === undefined) throw new Malformed(`unknown type tag '${tag}'`);
      if (off + n > end) throw new Malformed(`argument '${tag}' truncated`);
      off += n;
    }
  }
  if (off !== end) throw new Malformed(`${end - off} trailing bytes after the arguments`);
}

function isBundleHead(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 8) return false;
  return BUNDLE_HEAD.every((c, i) => b[start + i] === c);
}

/** Returns the offset after a NUL-terminated, zero-padded string starting at `off`. */
function readString(b: Uint8Array, off: number, end: number, what: string): number {
  let nul = off;
  while (nul < end && b[nul] !== 0) nul += 1;
  if (nul >= end) throw new Malformed(`${what} is not terminated`);
  const padded = off + pad4(nul + 1 - off);
  if (padded > end) throw new Malformed(`${what} padding truncated`);
  checkZero(b, nul + 1, padded, what);
  return padded;
}

function checkZero(b: Uint8Array, from: number, to: number, what: string): void {
  for (let i = from; i < to; i += 1) if (b[i] !== 0) throw new Malformed(`${what} has non-zero padding`);
}

function readInt32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) | 0;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Encodes one message. Without `types`, integers go as 'i', other numbers as 'f', strings 's', Uint8Array 'b',
 * booleans 'T'/'F'. Pass `types` when the receiver insists (a float parameter set to exactly 1 must go as 'f').
 * Throws a RangeError for arguments that cannot be encoded faithfully (NaN, Infinity, non-int32 'i', a tag that does not fit).
 */
export function encodeOscMessage(address: string, args: readonly OscArg[] = [], types?: string): Uint8Array {
  if (typeof address !== 'string' || !address.startsWith('/')) throw new RangeError(`OSC address "${String(address)}" must start with "/"`);
  if (!PRINTABLE_ASCII.test(address)) throw new RangeError(`OSC address "${address}" must be printable ASCII`);
  const tags = types ?? args.map(defaultTag).join('');
  if (tags.length !== args.length) throw new RangeError(`${address}: ${args.length} arguments but type tags "${tags}"`);
  args.forEach((value, i) => checkArg(address, tags[i]!, value, i));
  return packMessage(address, tags, args);
}

/** Bytes of an OSC string: ASCII, then 1..4 NULs to a multiple of 4. */
function stringBytes(text: string): number {
  return (text.length + 4) & ~3;
}

/**
 * Packs a checked message by hand (OSC 1.0: padded address, padded ",tags", big-endian arguments). The bridge sends a
 * datagram per band parameter, so this is its hottest path; going through osc-js's object model cost several times more.
 */
function packMessage(address: string, tags: string, args: readonly OscArg[]): Uint8Array {
  let size = stringBytes(address) + stringBytes(`,${tags}`);
  for (let i = 0; i < args.length; i++) {
    const t = tags[i]!;
    const v = args[i]!;
    if (t === 'i' || t === 'f') size += 4;
    else if (t === 'd') size += 8;
    else if (t === 's') size += stringBytes(v as string);
    else if (t === 'b') size += 4 + (((v as Uint8Array).length + 3) & ~3);
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const putString = (text: string) => {
    for (let k = 0; k < text.length; k++) out[at + k] = text.charCodeAt(k);
    at += stringBytes(text);
  };
  putString(address);
  putString(`,${tags}`);
  for (let i = 0; i < args.length; i++) {
    const t = tags[i]!;
    const v = args[i]!;
    if (t === 'i') view.setInt32(at, v as number), (at += 4);
    else if (t === 'f') view.setFloat32(at, v as number), (at += 4);
    else if (t === 'd') view.setFloat64(at, v as number), (at += 8);
    else if (t === 's') putString(v as string);
    else if (t === 'b') {
      const blob = v as Uint8Array;
      view.setInt32(at, blob.length);
      out.set(blob, at + 4);
      at += 4 + ((blob.length + 3) & ~3);
    }
  }
  return out;
}

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const ASCII_NO_NUL = /^[\x01-\x7f]*$/;

function defaultTag(value: OscArg): string {
  if (typeof value === 'number') return Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff ? 'i' : 'f';
  if (typeof value === 'string') return 's';
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  return 'b';
}

function checkArg(address: string, tag: string, value: OscArg, i: number): string {
  const bad = (why: string) => new RangeError(`${address}: argument ${i + 1} (${String(value)}) ${why}`);
  switch (tag) {
    case 'i':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw bad("is not a 32-bit integer for 'i'");
      return tag;
    case 'f':
    case 'd':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`is not a finite number for '${tag}'`);
      return tag;
    case 's':
      if (typeof value !== 'string') throw bad("is not a string for 's'");
      // osc-js packs one byte per UTF-16 unit, so anything beyond ASCII would arrive garbled; OSC 1.0 strings are ASCII.
      if (!ASCII_NO_NUL.test(value)) throw bad('is not ASCII without NUL');
      return tag;
    case 'b':
      if (!(value instanceof Uint8Array)) throw bad("is not a Uint8Array for 'b'");
      return tag;
    case 'T':
    case 'F':
      if (value !== (tag === 'T')) throw bad(`does not match tag '${tag}'`);
      return tag;
    default:
      throw bad(`has unsupported type tag '${tag}'`);
  }
}
