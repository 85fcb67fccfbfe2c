// Benchmark: the processor time `eqmorph run` spends building a desk's fitted tables, per thread, which a busy machine
// disturbs far less than the wall time. Run: node --import tsx bench/desk-build-cpu.ts [N=64] [ROOT=.]
//
// ROOT is a checkout with bin/ and a built dist/ (compare two versions back to back). The mapping is bench/desk.ts's,
// with an empty table cache and no fader moving: CPU seconds of the bridge's thread and of every other thread (the fit
// worker and V8's helpers) at "running" and at "all tables ready", from /proc (Linux).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../src/data/paths.js';
import { writeDeskMapping } from './desk.js';
import { exited, freePort, lineFrom, rssMb } from './latency.js';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU seconds so far of the process's main thread and of all its other threads together. */
function cpuOf(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
    if (tid === String(pid)) main += seconds;
    else others += seconds;
  }
  return { main, others };
}

const n = Number(process.argv[2] ?? 64);
const root = resolve(process.argv[3] ?? '.');
const terms = Object.entries(JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'terms.json'), 'utf8')) as Record<string, { hidden?: boolean }>)
  .filter(([, t]) => !t.hidden)
  .map(([t]) => t);
const dir = mkdtempSync(join(tmpdir(), 'eqmorph-desk-cpu-'));
try {
  const mapping = writeDeskMapping(dir, n, terms);
  const port = await freePort();
  const load = [loadavg()[0]!];
  const t0 = performance.now();
  const args = ['bin/eqmorph.js', 'run', '--mapping', mapping, '--osc-in', `127.0.0.1:${port}`, '--osc-out', '127.0.0.1:9', '--no-web'];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') } });
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssMb(child.pid!)), 250);
  await lineFrom(child, /eqmorph: running/, 120_000);
  const running = cpuOf(child.pid!);
  await lineFrom(child, /eqmorph: all tables ready/, 600_000);
  const ready = cpuOf(child.pid!);
  const wallS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  child.kill('SIGTERM');
  await exited(child);
  load.push(loadavg()[0]!);
  const f = (x: number) => x.toFixed(2);
  process.stdout.write(
    `${n} fitted channels, ${root}: load ${load.map((x) => x.toFixed(1)).join(' -> ')}; every table ready after ${wallS.toFixed(1)} s; ` +
      `CPU s of the bridge's thread ${f(running.main)} at running, ${f(ready.main)} at ready; of the other threads ${f(running.others)}, ${f(ready.others)}; ` +
      `resident memory peak ${Math.max(...rss).toFixed(0)} MB\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
