// The package as a user gets it: `npm pack`, an offline install of the tarball into a temporary prefix, and the
// installed `eqmorph` run from another working directory, OSC in and out over real UDP.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PACKAGE_ROOT } from '../../src/data/paths.js';
import { decodeOscPacket, encodeOscMessage, type OscMessage } from '../../src/transports/osc-packet.js';
import { until } from '../support/until.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'eqmorph-install-'));
const prefix = join(work, 'prefix');
const elsewhere = join(work, 'elsewhere');
const bin = join(prefix, 'node_modules', '.bin', 'eqmorph');
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bin: Record<string, string> };
let packed: string[] = [];

function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${String(r.stdout)}\n${String(r.stderr)}`);
  return String(r.stdout);
}

/**
 * A project in `dir` that depends on the tarball alone, with a lock file holding the exact production dependencies of
 * eqmorph's own lock. `npm install --offline` with a tarball argument needs each dependency's registry metadata, which
 * `npm ci` never stores in the cache; with the lock, npm needs only the tarballs that `npm ci` already cached.
 */
function projectFor(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'eqmorph-install-check', version: '0.0.0', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, dependencies: pkg.dependencies, bin: pkg.bin },
  };
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== '' && !entry.dev) packages[key] = entry;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'eqmorph-install-check', version: '0.0.0', private: true, dependencies: { [pkg.name]: spec } }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'eqmorph-install-check', version: '0.0.0', lockfileVersion: 3, requires: true, packages }));
}

before(() => {
  // The package's own prepack (a clean build of dist/), then the pack without scripts: `npm pack` would also run
  // `prepare`, the same build a second time.
  sh(NPM, ['run', 'prepack'], { cwd: PACKAGE_ROOT });
  const out = sh(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: PACKAGE_ROOT });
  const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  packed = info[0]!.files.map((f) => f.path);
  projectFor(prefix, join(work, info[0]!.filename));
  // --offline: npm reads its cache only and answers any miss with ENOTCACHED, so the install cannot use the network.
  sh(NPM, ['ci', '--offline', '--no-audit', '--no-fund', '--prefix', prefix], { cwd: work });
  mkdirSync(elsewhere);
}, { timeout: 600_000 });

after(() => rmSync(work, { recursive: true, force: true }));

test('the tarball holds what runs and no test, bench, source or source map', () => {
  for (const f of ['bin/eqmorph.js', 'dist/bundle/main.js', 'dist/bundle/fit-worker.js', 'dist/bundle/osc-reader-worker.js', 'dist/bundle/load-worker.js', 'models/default/meta.json', 'firmware-profiles/targets/behringer-x32-channel.yaml', 'mappings/default.yaml', 'schema/mapping.schema.json', 'src/web/static/index.html', 'data/non-descriptors.txt', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    assert.ok(packed.includes(f), `${f} is missing from the tarball`);
  }
  const unwanted = packed.filter((f) => /^(test|bench|scripts|docs)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') || (f.startsWith('src/') && !f.startsWith('src/web/static/')));
  assert.deepEqual(unwanted, []);
});

/** The installed eqmorph's `decode warm bright --alpha 1 --json`, from another working directory: run once, read by two tests. */
let decodedAtOne: { bands: { type: string; gain: number }[] } | undefined;
const decodeAtOne = () => (decodedAtOne ??= JSON.parse(sh(bin, ['decode', 'warm', 'bright', '--alpha', '1', '--json'], { cwd: elsewhere })) as { bands: { type: string; gain: number }[] });

test('the installed eqmorph prints its version and decodes from another working directory', () => {
  assert.match(sh(bin, ['--version'], { cwd: elsewhere }), new RegExp(`^eqmorph ${pkg.version.replaceAll('.', '\\.')} \\(TensorFlow\\.js backend: `));
  assert.deepEqual(decodeAtOne().bands.map((b) => b.type), ['lowshelf', 'peaking', 'peaking', 'peaking', 'highshelf']);
});

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('the installed eqmorph runs a shipped mapping by name: OSC in over UDP, EQ parameters out', async () => {
  const rx = dgram.createSocket('udp4');
  const received: OscMessage[] = [];
  rx.on('message', (buf) => {
    const r = decodeOscPacket(new Uint8Array(buf));
    if (r.ok) received.push(...r.messages);
  });
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  const inPort = await freeUdpPort();
  const child = spawn(bin, ['run', '--mapping', 'default', '--no-web', '--rehearse', '0', '--osc-in', `127.0.0.1:${inPort}`, '--osc-out', `127.0.0.1:${rx.address().port}`], { cwd: elsewhere, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += String(d)));
  child.stderr.on('data', (d) => (log += String(d)));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const tx = dgram.createSocket('udp4');
  const waitFor = (what: string, ok: () => boolean, ms: number) => until(what, ok, ms).catch((err: Error) => assert.fail(`${err.message}\n${log}`));
  try {
    await waitFor('eqmorph: running', () => log.includes('eqmorph: running'), 60_000);
    assert.match(log, /mapping .*node_modules\/eqmorph\/mappings\/default\.yaml/);
    const bandOneGain = () => received.filter((m) => m.address === '/eqmorph/band/1/gain');
    await waitFor('the first snapshot', () => bandOneGain().length >= 1, 10_000);
    const expected = decodeAtOne();
    tx.send(encodeOscMessage('/eqmorph/alpha', [1], 'f'), inPort, '127.0.0.1');
    await waitFor('band 1 at the gain decode gives for alpha 1', () => Math.abs(Number(bandOneGain().at(-1)!.args[0]) - expected.bands[0]!.gain) < 0.01, 10_000);
  } finally {
    child.kill('SIGTERM');
    tx.close();
    rx.close();
  }
  assert.equal(await exited, 0, log);
});

test('the installed eqmorph fits a desk in its worker thread and reloads an edited mapping off its main thread', async () => {
  // The shipped X32 mapping with its profiles named by their installed paths, in a folder of its own (edited below).
  const installed = join(prefix, 'node_modules', pkg.name);
  const folder = join(work, 'desk');
  mkdirSync(folder);
  const mapping = join(folder, 'desk.yaml');
  writeFileSync(mapping, readFileSync(join(installed, 'mappings', 'nanokontrol2-x32.yaml'), 'utf8').replaceAll('../firmware-profiles/', `${installed}/firmware-profiles/`));
  const rx = dgram.createSocket('udp4');
  let datagrams = 0;
  rx.on('message', () => datagrams++);
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  const child = spawn(bin, ['run', '--mapping', mapping, '--no-web', '--no-cache', '--rehearse', '0', '--osc-in', `127.0.0.1:${await freeUdpPort()}`, '--osc-out', `127.0.0.1:${rx.address().port}`], { cwd: elsewhere, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += String(d)));
  child.stderr.on('data', (d) => (log += String(d)));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = (what: string, ok: () => boolean, ms: number) => until(what, ok, ms).catch((err: Error) => assert.fail(`${err.message}\n${log}`));
  try {
    // Every table built, by the fit worker started from the package's files (where it cannot start, run says so and
    // fits them itself).
    await waitFor('all tables ready', () => log.includes('eqmorph: all tables ready'), 120_000);
    assert.doesNotMatch(log, /could not start/);
    assert.ok(log.includes('eqmorph: cache off (--no-cache); 8 fitted tables to build in the background'), log);
    assert.ok(datagrams > 0, 'the start snapshot reached the desk');
    writeFileSync(mapping, `${readFileSync(mapping, 'utf8')}\n# edited\n`);
    await waitFor('the reload', () => log.includes('eqmorph: mapping reloaded (8 instance(s))'), 30_000);
  } finally {
    child.kill('SIGTERM');
    rx.close();
  }
  assert.equal(await exited, 0, log);
});
