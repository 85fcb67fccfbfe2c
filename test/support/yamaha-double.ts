// A test double of a Yamaha desk's remote-control port, built from the desk's own parameter list and the line protocol
// (firmware-profiles/targets/yamaha-dm7-channel.yaml and yamaha-rivage-channel.yaml cite both): TCP, one command per
// line, `OK`/`ERROR` replies, `get` answered with the stored value, and every change sent to the other connected
// clients as `NOTIFY set`.
import net from 'node:net';

/**
 * A desk's parameter list (prminfo): per path, the channel count (x), index count (y), and the integer range; a text
 * parameter lists the values it is known to take instead (quoted on the wire).
 */
export type RcpParameterList = Record<string, { x: number; y: number; min: number; max: number; values?: readonly string[] }>;

/** Input-channel PEQ parameters for a desk with `channels` input channels and 4 bands (the DM7's and RIVAGE's lists). */
function inputPeq(channels: number): RcpParameterList {
  return {
    'MIXER:Current/InCh/PEQ/On': { x: channels, y: 1, min: 0, max: 1 },
    'MIXER:Current/InCh/PEQ/LowShelving/On': { x: channels, y: 1, min: 0, max: 1 },
    'MIXER:Current/InCh/PEQ/HighShelving/On': { x: channels, y: 1, min: 0, max: 1 },
    'MIXER:Current/InCh/PEQ/Band/Freq': { x: channels, y: 4, min: 200, max: 200000 },
    'MIXER:Current/InCh/PEQ/Band/Gain': { x: channels, y: 4, min: -1800, max: 1800 },
    'MIXER:Current/InCh/PEQ/Band/Q': { x: channels, y: 4, min: 100, max: 16000 },
  };
}

/** The DM7's input-channel PEQ ("DM7 Parameters-1.txt": 72 channels). */
export const DM7_INPUT_PEQ: RcpParameterList = inputPeq(72);
/** The RIVAGE PM's input-channel PEQ ("Rivage Parameters-3.txt": 144 channels, same paths, ranges and scales). */
export const RIVAGE_INPUT_PEQ: RcpParameterList = inputPeq(144);
/**
 * The DM3's mix-bus PEQ ("DM3 Parameters-2.txt": 6 mixes, 4 bands; no input-channel PEQ is listed). Band/Type is text,
 * 7 values of which the list names only its default, "Bell".
 */
export const DM3_MIX_PEQ: RcpParameterList = {
  'MIXER:Current/Mix/PEQ/On': { x: 6, y: 1, min: 0, max: 1 },
  'MIXER:Current/Mix/PEQ/Band/Freq': { x: 6, y: 4, min: 200, max: 200000 },
  'MIXER:Current/Mix/PEQ/Band/Gain': { x: 6, y: 4, min: -1800, max: 1800 },
  'MIXER:Current/Mix/PEQ/Band/Q': { x: 6, y: 4, min: 100, max: 16000 },
  'MIXER:Current/Mix/PEQ/Band/Type': { x: 6, y: 4, min: 0, max: 6, values: ['Bell'] },
};

export interface YamahaDouble {
  readonly port: number;
  /** Every line received, in order. */
  readonly lines: string[];
  /** Commands the double refused (unknown path, index or value out of range), as `ERROR` replies. */
  readonly refused: string[];
  /** The stored value of `<path> <x> <y>`. */
  value(address: string): number | string | undefined;
  /** A change made at the desk: stored, and sent to every client as NOTIFY. */
  edit(address: string, value: number | string): void;
  /** How many clients are connected. */
  clients(): number;
  /** Drops every connection (a cable pulled); the desk keeps listening. */
  dropClients(): void;
  close(): Promise<void>;
}

/** A `set` value the list takes (a listed text in quotes, or an integer in range), or undefined. */
function parseValue(raw: string | undefined, spec: RcpParameterList[string]): number | string | undefined {
  if (spec.values) {
    const m = /^"([^"\\]*)"$/.exec(raw ?? '');
    return m && spec.values.includes(m[1]!) ? m[1] : undefined;
  }
  if (!/^-?\d+$/.test(raw ?? '')) return undefined;
  const n = Number(raw);
  return n >= spec.min && n <= spec.max ? n : undefined;
}

export async function startYamahaDouble(parameters: RcpParameterList = DM7_INPUT_PEQ): Promise<YamahaDouble> {
  const store = new Map<string, number | string>();
  const wire = (v: number | string) => (typeof v === 'number' ? String(v) : `"${v}"`);
  const lines: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<net.Socket>();
  const notify = (from: net.Socket | null, address: string, value: number | string) => {
    for (const s of sockets) if (s !== from) s.write(`NOTIFY set ${address} ${wire(value)} "${value}"\n`);
  };
  const handle = (socket: net.Socket, line: string) => {
    lines.push(line);
    const [verb, path, x, y, raw] = line.split(' ');
    const spec = path && Object.hasOwn(parameters, path) ? parameters[path] : undefined;
    const refuse = (why: string) => {
      refused.push(line);
      socket.write(`ERROR ${verb ?? ''} ${why}\n`);
    };
    if (verb !== 'set' && verb !== 'get') return refuse('UnknownCommand');
    if (!spec) return refuse('UnknownAddress');
    const xi = Number(x);
    const yi = Number(y);
    if (!Number.isInteger(xi) || !Number.isInteger(yi) || xi < 0 || xi >= spec.x || yi < 0 || yi >= spec.y) return refuse('InvalidArgument');
    const address = `${path} ${xi} ${yi}`;
    if (verb === 'get') return void socket.write(`OK get ${address} ${wire(store.get(address) ?? spec.values?.[0] ?? 0)}\n`);
    const v = parseValue(raw, spec);
    if (v === undefined) return refuse('InvalidArgument');
    const changed = store.get(address) !== v;
    store.set(address, v);
    socket.write(`OK set ${address} ${wire(v)}\n`);
    if (changed) notify(socket, address, v);
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setEncoding('utf8');
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        handle(socket, pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    lines,
    refused,
    value: (address) => store.get(address),
    edit: (address, value) => {
      store.set(address, value);
      notify(null, address, value);
    },
    clients: () => sockets.size,
    dropClients: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
