// Fitted layout tables kept on disk between runs, keyed by model, layout and pair: a second start of the same show is ready at once.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Bumped whenever what a table holds for the same model, layout and pair changes (the fitter, the samples, the file
 * layout): files of another version are foreign and ignored.
 */
export const TABLE_FORMAT = 3;
const MAGIC = Buffer.from('EQMT');
const SUFFIX = '.eqt';
const DIGEST = 32;
/** 64 fitted instances take under 1 MB: 16 MB holds many shows. */
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;

/** The user's cache folder for eqmorph: $XDG_CACHE_HOME/eqmorph, or ~/.cache/eqmorph. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'eqmorph');
}

/** A model directory's fingerprint: SHA-256 over its files' names and contents, so a retrained model misses the cache. */
export function modelHash(dir: string): string {
  const h = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    h.update(name).update('\0');
    h.update(readFileSync(join(dir, name)));
  }
  return h.digest('hex');
}

/** What a table is for. `layout` is any string that names the layout exactly (its band specs as JSON). */
export interface TableKey {
  readonly model: string;
  readonly layout: string;
  readonly termA: string;
  readonly termB: string;
}

/** A stored table: `steps` rows of `width` numbers, and one error per row. */
export interface StoredTable {
  readonly steps: number;
  readonly width: number;
  readonly values: Float64Array;
  readonly maeDb: Float64Array;
}

interface Header extends TableKey {
  readonly format: number;
  readonly steps: number;
  readonly width: number;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

/** The file's bytes: magic, header length, header (JSON), values and errors (float64), SHA-256 of all that. */
export function encodeTable(key: TableKey, t: StoredTable): Buffer {
  const header = Buffer.from(JSON.stringify({ format: TABLE_FORMAT, ...key, steps: t.steps, width: t.width } satisfies Header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const body = Buffer.concat([MAGIC, len, header, Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength), Buffer.from(t.maeDb.buffer, t.maeDb.byteOffset, t.maeDb.byteLength)]);
  return Buffer.concat([body, sha(body)]);
}

/** The table in `bytes` if it is whole, of this format and for `key`; null for anything else (corrupt, foreign, another pair). */
export function decodeTable(bytes: Buffer, key: TableKey): StoredTable | null {
  if (bytes.length < MAGIC.length + 4 + DIGEST || !bytes.subarray(0, 4).equals(MAGIC)) return null;
  const body = bytes.subarray(0, bytes.length - DIGEST);
  if (!sha(body).equals(bytes.subarray(bytes.length - DIGEST))) return null;
  const hlen = body.readUInt32LE(4);
  if (8 + hlen > body.length) return null;
  let h: Header;
  try {
    h = JSON.parse(body.subarray(8, 8 + hlen).toString('utf8')) as Header;
  } catch {
    return null;
  }
  if (h.format !== TABLE_FORMAT || h.model !== key.model || h.layout !== key.layout || h.termA !== key.termA || h.termB !== key.termB) return null;
  const n = h.steps * h.width;
  if (!(Number.isInteger(n) && h.steps >= 2 && body.length === 8 + hlen + 8 * (n + h.steps))) return null;
  // Copied out: the header's length leaves the numbers at any byte offset, and a Float64Array needs a multiple of 8.
  const nums = new Float64Array(new Uint8Array(body.subarray(8 + hlen)).buffer);
  return { steps: h.steps, width: h.width, values: nums.slice(0, n), maeDb: nums.slice(n) };
}

export interface TableCacheOptions {
  readonly dir: string;
  /** Bytes kept at most; the files least recently used (by mtime) go first. */
  readonly maxBytes?: number;
}

/**
 * A folder of table files, one per key (named by the key's hash). Reads are checked (see decodeTable) and a bad file is
 * ignored, to be replaced when the table is built again; writes go to a temporary file renamed into place, so a
 * crash leaves no half-written table under a real name. A hit refreshes the file's mtime, and the folder is kept
 * under `maxBytes` by deleting the oldest files. Every failure of the disk is swallowed: the cache is only a shortcut.
 */
export class TableCache {
  readonly dir: string;
  private readonly maxBytes: number;
  private bytes: number | null = null;

  constructor(opts: TableCacheOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_BYTES;
  }

  fileOf(key: TableKey): string {
    const name = createHash('sha256').update(JSON.stringify([TABLE_FORMAT, key.model, key.layout, key.termA, key.termB])).digest('hex').slice(0, 40);
    return join(this.dir, name + SUFFIX);
  }

  get(key: TableKey): StoredTable | null {
    const file = this.fileOf(key);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return null;
    }
    const t = decodeTable(bytes, key);
    if (t) {
      try {
        const now = new Date();
        utimesSync(file, now, now);
      } catch {
        // read-only cache: still a hit
      }
    }
    return t;
  }

  put(key: TableKey, t: StoredTable): void {
    const file = this.fileOf(key);
    const bytes = encodeTable(key, t);
    try {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, file);
    } catch {
      return;
    }
    this.bytes = (this.bytes ?? this.scan().reduce((s, f) => s + f.size, 0) - bytes.length) + bytes.length;
    if (this.bytes > this.maxBytes) this.trim();
  }

  /** The cache's table files, oldest first. */
  private scan(): { path: string; size: number; mtime: number }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const files: { path: string; size: number; mtime: number }[] = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX)) continue;
      try {
        const s = statSync(join(this.dir, name));
        files.push({ path: join(this.dir, name), size: s.size, mtime: s.mtimeMs });
      } catch {
        // gone meanwhile (another eqmorph trimming the same folder)
      }
    }
    return files.sort((a, b) => a.mtime - b.mtime);
  }

  /** Deletes the least recently used files until the folder fits in maxBytes. */
  trim(): void {
    const files = this.scan();
    let total = files.reduce((s, f) => s + f.size, 0);
    for (const f of files) {
      if (total <= this.maxBytes) break;
      try {
        unlinkSync(f.path);
        total -= f.size;
      } catch {
        // someone else's file or gone already
      }
    }
    this.bytes = total;
  }
}
