// `eqmorph run --realtime` as a process, on this machine's own scheduler: which of its threads run under realtime
// scheduling. Needs Linux, util-linux's chrt and the right to use a realtime policy (root, CAP_SYS_NICE or an "rtprio"
// limit); skipped, saying which, where any is missing. (The test runner starts every other bridge with
// EQMORPH_REALTIME=0: see scripts/run-tests.mjs.)
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { freeUdpPort } from '../support/caught-run.js';
import { until } from '../support/until.js';
import { surfaceMappingYaml } from '../support/surface-mapping.js';

const CLI = ['--import', import.meta.resolve('tsx'), resolve('src/cli/entry.ts')];

function cannotTest(): string | false {
  if (process.platform !== 'linux') return 'realtime scheduling is set on Linux only';
  if (availableParallelism() < 2) return 'eqmorph asks for realtime scheduling only with 2 cores or more';
  try {
    execFileSync('chrt', ['--rr', '1', 'true'], { stdio: 'pipe' });
    return false;
  } catch (err) {
    return `this user may not use a realtime policy, or chrt is missing (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
  }
}

interface ThreadInfo {
  readonly tid: number;
  readonly name: string;
  readonly policy: number;
  readonly priority: number;
  readonly nice: number;
}

function threadsOf(pid: number): ThreadInfo[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((t) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ tid: Number(t), name: readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim(), policy: Number(f[38]) & 0xff, priority: Number(f[37]), nice: Number(f[16]) }];
    } catch {
      return [];
    }
  });
}

/**
 * `eqmorph run ARGS` from source (prefixed by `wrapper`, a command such as chrt that runs it), waited for until it is
 * running; `stop` ends it. EQMORPH_REALTIME=0 as the runner sets it: only the --realtime a test passes counts.
 */
async function running(dir: string, args: readonly string[], wrapper: readonly string[] = []) {
  const [command, ...rest] = [...wrapper, process.execPath, ...CLI, 'run', ...args];
  const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir, EQMORPH_REALTIME: '0' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await until(`running: ${out}`, () => /eqmorph: running/.test(out), 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid!, out, stop };
}

test('--realtime 7 on a desk: the main thread, V8\'s helpers and the OSC reader run round-robin at 7; the fit worker leaves it for an ordinary thread 5 nice steps behind', { skip: cannotTest() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-realtime-'));
  const desk = dgram.createSocket('udp4');
  await new Promise<void>((r) => desk.bind(0, '127.0.0.1', r));
  const inPort = await freeUdpPort();
  const file = join(dir, 'm.yaml');
  writeFileSync(
    file,
    surfaceMappingYaml({
      name: 'realtime',
      surface: `listen: 127.0.0.1:${inPort}`,
      output: { name: 'x32', target: 'behringer-x32-channel', send: `127.0.0.1:${desk.address().port}` },
      instances: ['{ name: ch1, output: x32, index: 1, initial: { term_a: warm, term_b: bright, alpha: 0.3 }, bindings: [{ source: surface.alpha, target: alpha, takeover: jump }] }'],
    }),
  );
  const run = await running(dir, ['--no-web', '--no-cache', '--rehearse', '0', '--nice', '-10', '--realtime', '7', '--mapping', file]);
  try {
    assert.match(run.out, /^eqmorph: realtime scheduling \(round-robin, priority 7\) for the threads that carry fader moves/m);
    // The fit worker steps out of realtime as it starts, which takes a chrt of its own (well before "running" here).
    await until('the fit worker an ordinary thread', () => threadsOf(run.pid).some((t) => t.name === 'eqmorph-fit' && t.policy === 0), 10_000);
    const threads = threadsOf(run.pid);
    const main = threads.find((t) => t.tid === run.pid)!;
    assert.deepEqual([main.policy, main.priority], [2, 7], 'the main thread: SCHED_RR at 7');
    const reader = threads.filter((t) => t.name === 'eqmorph-osc-in');
    assert.equal(reader.length, 1, JSON.stringify(threads));
    assert.deepEqual([reader[0]!.policy, reader[0]!.priority], [2, 7], 'the OSC reader: SCHED_RR at 7');
    const fit = threads.filter((t) => t.name === 'eqmorph-fit');
    assert.equal(fit.length, 1, JSON.stringify(threads));
    assert.equal(fit[0]!.policy, 0, 'the fit worker: an ordinary thread');
    assert.equal(fit[0]!.nice, -5, "the fit worker: the bridge's nice value + 5");
    // Every other thread started with the process (V8's helpers among them) is realtime too.
    const others = threads.filter((t) => t.name !== 'eqmorph-fit');
    assert.deepEqual(others.filter((t) => t.policy !== 2).map((t) => t.name), [], JSON.stringify(threads));
  } finally {
    await run.stop();
    desk.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('started realtime at a higher priority (chrt --rr 9), `eqmorph run --realtime 7` keeps it and says nothing of it', { skip: cannotTest() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-realtime-'));
  const inPort = await freeUdpPort();
  const outPort = await freeUdpPort();
  const run = await running(dir, ['--no-web', '--rehearse', '0', '--realtime', '7', '--osc-in', `127.0.0.1:${inPort}`, '--osc-out', `127.0.0.1:${outPort}`], ['chrt', '--rr', '9']);
  try {
    assert.doesNotMatch(run.out, /realtime scheduling/);
    const main = threadsOf(run.pid).find((t) => t.tid === run.pid)!;
    assert.deepEqual([main.policy, main.priority], [2, 9], 'the main thread keeps round-robin at 9');
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
