// Fitted layout tables kept on disk between runs, keyed by model, layout and pair: a second start of the same show is ready at once.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, utimesSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
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
 *
 * Writing, and keeping the folder under its bound, happen off this thread (the file system's own threads): a table is
 * put while faders move, and a slow disk (or the first put's look at a folder of a thousand files) must not hold up a
 * frame. `flush` waits for the writes in flight, as a process does before it exits.
 */
export class TableCache {
  readonly dir: string;
  private readonly maxBytes: number;
  private bytes: number | null = null;
  /** Bookkeeping after each write (the folder's size, trimming), one write at a time. */
  private accounting: Promise<void> = Promise.resolve();
  private readonly writing = new Set<Promise<void>>();
  private writes = 0;

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

  /** Writes a table in the background; resolves once it is in place (or given up: the cache is only a shortcut). */
  put(key: TableKey, t: StoredTable): Promise<void> {
    const file = this.fileOf(key);
    const bytes = encodeTable(key, t);
    const tmp = `${file}.${process.pid}.${++this.writes}.tmp`;
    const written = (async () => {
      try {
        await mkdir(this.dir, { recursive: true });
        await writeFile(tmp, bytes);
        await rename(tmp, file);
        return true;
      } catch {
        await rm(tmp, { force: true }).catch(() => undefined);
        return false;
      }
    })();
    const done = (this.accounting = this.accounting
      .then(async () => {
        if (!(await written)) return;
        this.bytes = (this.bytes ?? (await this.scan()).reduce((sum, f) => sum + f.size, 0) - bytes.length) + bytes.length;
        if (this.bytes > this.maxBytes) await this.trim();
      })
      .catch(() => undefined));
    this.writing.add(done);
    void done.finally(() => this.writing.delete(done));
    return done;
  }

  /** Resolves once every table put so far is written (or given up). */
  async flush(): Promise<void> {
    await Promise.all([...this.writing]);
  }

  /** The cache's table files, oldest first. */
  private async scan(): Promise<{ path: string; size: number; mtime: number }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const files: { path: string; size: number; mtime: number }[] = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX)) continue;
      try {
        const s = await stat(join(this.dir, name));
        files.push({ path: join(this.dir, name), size: s.size, mtime: s.mtimeMs });
      } catch {
        // gone meanwhile (another eqmorph trimming the same folder)
      }
    }
    return files.sort((a, b) => a.mtime - b.mtime);
  }

  /** Deletes the least recently used files until the folder fits in maxBytes. */
  private async trim(): Promise<void> {
    const files = await this.scan();
    let total = files.reduce((sum, f) => sum + f.size, 0);
    for (const f of files) {
      if (total <= this.maxBytes) break;
      try {
        await unlink(f.path);
        total -= f.size;
      } catch {
        // someone else's file or gone already
      }
    }
    this.bytes = total;
  }
}
