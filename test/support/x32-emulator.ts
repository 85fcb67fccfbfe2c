// A real X32 emulator (someone else's program, built from ../shared/peers/x32-emulator) as a test peer: built once per
// source version into the OS temp folder, started on 127.0.0.1:10023, queried and set over UDP, stopped by its pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeOscPacket, encodeOscMessage, type OscArg, type OscMessage } from '../../src/transports/osc-packet.js';

/** The emulator's port: fixed in its source, so no two tests may run it at once (all of them live in one test file). */
export const EMULATOR_PORT = 10023;
export const EMULATOR_DIR = resolve('../shared/peers/x32-emulator');

/** Every file under `dir`, sorted, for the build's cache key. */
function files(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    })
    .sort();
}

/**
 * Why the emulator cannot run here, or null when it can: its source (../shared) is absent, or there is no C compiler.
 * Tests pass this to `skip`, so a machine without either says so instead of failing.
 */
export function emulatorUnavailable(): string | null {
  if (!existsSync(join(EMULATOR_DIR, 'build.sh'))) return `the X32 emulator's source is not at ${EMULATOR_DIR} (../shared is absent)`;
  const cc = spawnSync('cc', ['--version'], { stdio: 'ignore' });
  if (cc.error || cc.status !== 0) return 'no C compiler (cc) on PATH: the X32 emulator cannot be built';
  return null;
}

/**
 * The emulator's binary, built with its own build.sh into `<tmpdir>/eqmorph-x32-emulator-<hash of its source>` unless a
 * build of the same source is there already (one build per machine and source version, about 10 s).
 */
export function emulatorBinary(): string {
  const hash = createHash('sha256');
  for (const f of files(join(EMULATOR_DIR, 'src'))) hash.update(f.slice(EMULATOR_DIR.length)).update(readFileSync(f));
  hash.update(readFileSync(join(EMULATOR_DIR, 'build.sh')));
  const dir = join(tmpdir(), `eqmorph-x32-emulator-${hash.digest('hex').slice(0, 16)}`);
  const binary = join(dir, 'X32');
  if (existsSync(binary)) return binary;
  // Built beside and renamed into place, so a build cut short never looks finished.
  const scratch = mkdtempSync(join(tmpdir(), 'eqmorph-x32-build-'));
  const built = spawnSync('sh', [join(EMULATOR_DIR, 'build.sh'), scratch], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the X32 emulator failed:\n${built.stderr}`);
  try {
    renameSync(scratch, dir);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another process finished the same build first
  }
  return binary;
}

export interface X32Emulator {
  /** The stored value of each address (undefined where the emulator did not answer within the wait). */
  query(addresses: readonly string[]): Promise<Map<string, OscArg | undefined>>;
  /** Sets one address from this client (another client than eqmorph: a person at the desk, as far as eqmorph can tell). */
  set(address: string, value: number, type: 'f' | 'i'): Promise<void>;
  stop(): Promise<void>;
}

/** A UDP client of the emulator: sends, and hands every reply to the waiters. */
class Client {
  private readonly socket = dgram.createSocket('udp4');
  private readonly waiters = new Set<(m: OscMessage) => void>();

  async open(): Promise<void> {
    this.socket.on('message', (buf) => {
      const r = decodeOscPacket(new Uint8Array(buf));
      if (r.ok) for (const m of r.messages) for (const w of [...this.waiters]) w(m);
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
  }

  send(address: string, args: OscArg[] = [], types?: string): Promise<void> {
    return new Promise((r) => this.socket.send(encodeOscMessage(address, args, types), EMULATOR_PORT, '127.0.0.1', () => r()));
  }

  /** Sends each address as a query (no arguments) and collects the answers, waiting up to `ms` for the last. */
  async query(addresses: readonly string[], ms = 1000): Promise<Map<string, OscArg | undefined>> {
    const answers = new Map<string, OscArg | undefined>(addresses.map((a) => [a, undefined]));
    const missing = new Set(addresses);
    let onReply: (m: OscMessage) => void = () => undefined;
    const answered = new Promise<void>((done) => {
      onReply = (m) => {
        if (!missing.delete(m.address)) return;
        answers.set(m.address, m.args[0]);
        if (missing.size === 0) done();
      };
    });
    this.waiters.add(onReply);
    let timer: NodeJS.Timeout | undefined;
    try {
      // One after another: a burst larger than the emulator's socket buffer would lose answers.
      for (const a of addresses) await this.send(a);
      await Promise.race([answered, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    } finally {
      clearTimeout(timer);
      this.waiters.delete(onReply);
    }
    return answers;
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

/** Starts the emulator in a scratch folder (it may write state files there) and waits until it answers /info. */
export async function startX32Emulator(): Promise<X32Emulator> {
  const binary = emulatorBinary();
  const client = new Client();
  await client.open();
  const before = await client.query(['/info'], 200);
  if (before.get('/info') !== undefined) {
    await client.close();
    throw new Error(`something already answers /info on 127.0.0.1:${EMULATOR_PORT}: stop it before running the emulator tests`);
  }
  const cwd = mkdtempSync(join(tmpdir(), 'eqmorph-x32-run-'));
  const child: ChildProcess = spawn(binary, ['-i', '127.0.0.1', '-v', '0'], { cwd, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await client.close();
    rmSync(cwd, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    if ((await client.query(['/info'], 100)).get('/info') !== undefined) {
      return { query: (a) => client.query(a), set: (address, value, type) => client.send(address, [value], type), stop };
    }
  }
  await stop();
  throw new Error(`the X32 emulator did not answer /info on 127.0.0.1:${EMULATOR_PORT} within 5 s`);
}
