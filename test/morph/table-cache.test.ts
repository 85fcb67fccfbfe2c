import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import fc from 'fast-check';
import { decodeTable, defaultCacheDir, encodeTable, modelHash, TableCache, type StoredTable, type TableKey } from '../../src/morph/table-cache.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'eqmorph-cache-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const key: TableKey = { model: 'm1', layout: '[4 bands]', termA: 'warm', termB: 'bright' };
const table = (steps = 5, width = 3, seed = 1): StoredTable => ({
  steps,
  width,
  values: Float64Array.from({ length: steps * width }, (_, i) => Math.sin(i + seed) * 10),
  maeDb: Float64Array.from({ length: steps }, (_, i) => i / 100),
});

test('a stored table reads back exactly, for any shape and any key', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 12 }), fc.string(), fc.string(), (steps, width, a, b) => {
      const k = { ...key, termA: a, termB: b };
      const t = table(steps, width);
      const back = decodeTable(encodeTable(k, t), k);
      assert.ok(back);
      assert.deepEqual(Array.from(back.values), Array.from(t.values));
      assert.deepEqual(Array.from(back.maeDb), Array.from(t.maeDb));
      assert.equal(back.steps, steps);
      assert.equal(back.width, width);
    }),
  );
});

test('a put table is read back from the folder', async () => {
  const cache = new TableCache({ dir: fresh() });
  assert.equal(cache.get(key), null);
  await cache.put(key, table());
  assert.deepEqual(Array.from(cache.get(key)!.values), Array.from(table().values));
});

test('a put is written off this thread: it returns before the file is there, and flush waits for every write', async () => {
  const cache = new TableCache({ dir: fresh() });
  const keys = ['a', 'b', 'c'].map((termA) => ({ ...key, termA }));
  for (const k of keys) void cache.put(k, table());
  assert.deepEqual(keys.map((k) => existsSync(cache.fileOf(k))), [false, false, false]);
  await cache.flush();
  for (const k of keys) assert.deepEqual(Array.from(cache.get(k)!.values), Array.from(table().values));
  assert.deepEqual(readdirSync(cache.dir).filter((f) => f.endsWith('.tmp')), []);
});

test('a corrupt file (any byte changed, or cut short) is ignored, and the next put replaces it', async () => {
  const bytes = encodeTable(key, table());
  fc.assert(
    fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
      const bad = Buffer.from(bytes);
      bad[at] = bad[at]! ^ flip;
      assert.equal(decodeTable(bad, key), null);
      assert.equal(decodeTable(bytes.subarray(0, at), key), null);
    }),
  );
  const cache = new TableCache({ dir: fresh() });
  await cache.put(key, table());
  const file = cache.fileOf(key);
  writeFileSync(file, readFileSync(file).subarray(0, 50));
  assert.equal(cache.get(key), null);
  await cache.put(key, table());
  assert.ok(cache.get(key));
});

test('a foreign file under the name of a key is ignored: another program\'s bytes, another pair, model or layout', async () => {
  const cache = new TableCache({ dir: fresh() });
  await cache.put(key, table());
  writeFileSync(cache.fileOf(key), 'not a table at all, just some text of about the right length..............');
  assert.equal(cache.get(key), null);
  for (const other of [{ termA: 'bright', termB: 'warm' }, { termA: 'dark' }, { termB: 'dark' }, { model: 'm2' }, { layout: '[6 bands]' }]) {
    writeFileSync(cache.fileOf(key), encodeTable({ ...key, ...other }, table()));
    assert.equal(cache.get(key), null, JSON.stringify(other));
  }
});

test('the folder is kept under its size bound by deleting the least recently used files first', async () => {
  const dir = fresh();
  const size = encodeTable(key, table()).length;
  const cache = new TableCache({ dir, maxBytes: 3 * size });
  const keys = ['a', 'b', 'c'].map((termA) => ({ ...key, termA }));
  for (const [i, k] of keys.entries()) {
    await cache.put(k, table());
    // mtimes a second apart, oldest first: a, b, c
    const t = new Date(Date.now() - (10 - i) * 1000);
    utimesSync(cache.fileOf(k), t, t);
  }
  // A hit makes "a" the most recently used; a fourth table then pushes out "b", the oldest.
  assert.ok(cache.get(keys[0]!));
  await cache.put({ ...key, termA: 'd' }, table());
  assert.equal(readdirSync(dir).length, 3);
  assert.equal(cache.get(keys[1]!), null);
  assert.ok(cache.get(keys[0]!));
  assert.ok(cache.get(keys[2]!));
});

test('the cache folder is $XDG_CACHE_HOME/eqmorph, or ~/.cache/eqmorph where it is unset or not absolute', () => {
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/eqmorph');
  assert.match(defaultCacheDir({}), /\/\.cache\/eqmorph$/);
  assert.match(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }), /\/\.cache\/eqmorph$/);
});

test('a folder that cannot be written is no error: the table is simply not kept', async () => {
  const file = join(fresh(), 'a-file');
  writeFileSync(file, '');
  const cache = new TableCache({ dir: join(file, 'sub') });
  await cache.put(key, table());
  assert.equal(cache.get(key), null);
});

test('files in the folder that are not tables are neither counted against the bound nor deleted', async () => {
  const dir = fresh();
  const size = encodeTable(key, table()).length;
  writeFileSync(join(dir, 'notes.txt'), Buffer.alloc(10 * size));
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'notes.txt'), old, old);
  const cache = new TableCache({ dir, maxBytes: 2 * size });
  for (const termA of ['a', 'b']) await cache.put({ ...key, termA }, table());
  assert.deepEqual(readdirSync(dir).length, 3);
  assert.ok(cache.get({ ...key, termA: 'a' }));
  assert.ok(cache.get({ ...key, termA: 'b' }));
});

test('a model folder is fingerprinted over each file name and its contents, in name order', () => {
  const dir = fresh();
  const names = ['weights.bin', 'model.json', 'centroids.json', 'a', 'z', 'm', 'b', 'y'];
  for (const name of names) writeFileSync(join(dir, name), `contents of ${name}`);
  const h = createHash('sha256');
  for (const name of names.slice().sort()) h.update(name).update('\0').update(`contents of ${name}`);
  assert.equal(modelHash(dir), h.digest('hex'));
});

test('a file whose digest is right but whose header is not JSON is ignored', () => {
  const header = Buffer.from('{"format": 1, not json');
  const head = Buffer.alloc(8);
  Buffer.from('EQMT').copy(head);
  head.writeUInt32LE(header.length, 4);
  const body = Buffer.concat([head, header, Buffer.alloc(8 * 4)]);
  const bytes = Buffer.concat([body, createHash('sha256').update(body).digest()]);
  assert.equal(decodeTable(bytes, key), null);
});
