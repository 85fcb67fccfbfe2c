// Runs every test file under test/ (or those whose path contains one of the arguments), TypeScript loaded through tsx.
// Starting node with tsx costs about 0.8 s of CPU before a test runs, and each process loads the sources it imports
// anew, so the light files of a folder share one process (scripts/test-group.mjs: each file's tests inside a suite
// named by its path, one file after another); the files listed in ALONE keep a process of their own. TEST_CONCURRENCY
// processes at a time (default 2), the longest of the last run first so that no long one starts last. A process that
// fails or dies has each of its files that failed, or never reported, run again alone, so a failure is pinned to its
// file and a crash hides no other file. Prints each process's report when it ends, then the totals and the ten slowest
// files.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return /\.test\.ts$/.test(name) ? [path] : [];
  });
}

/**
 * Files that run in a process of their own, longest first: they drive other processes and wait on them (sharing a
 * process would only lengthen the longest lane), or take long enough alone. Every other file shares its process: one
 * that changes the working directory or a global restores it before its test awaits anything.
 */
const ALONE = new Set([
  'test/cli/run-shutdown.integration.test.ts', // spawns the CLI and signals it; the longest file
  'test/package/install.integration.test.ts', // packs and installs the package
  'test/morph/xy-patch.test.ts', // builds many pair tables
]);
/**
 * Files that share a process apart from their folder's: the Chromium files, which open their contexts in one browser
 * (test/support/browser.ts), started once for the three.
 */
const TOGETHER = [['test/web/browser.integration.test.ts', 'test/web/page-details.integration.test.ts', 'test/web/sound-map.browser.integration.test.ts']];
const inSets = new Set(TOGETHER.flat());
/**
 * At most this many files share a process. A folder is one process (starting one and loading what its files import
 * costs 1-3 s of CPU each time); the lanes are balanced by taking the longest first.
 */
const GROUP_FILES = 30;
/** A process may not hang the run: after this long it is stopped, and its unfinished files run again alone. */
const PROCESS_TIMEOUT_MS = 600_000;
const TIMES_FILE = join('node_modules', '.cache', 'eqmorph-tests', 'times.json');
/** What starting a process costs, in the estimate that orders them, in ms. */
const PROCESS_MS = 1000;

function lastTimes() {
  try {
    return JSON.parse(readFileSync(TIMES_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/** The processes to start: each ALONE file alone, each TOGETHER set's chosen files, the others by folder, in runs of at most GROUP_FILES. */
function plan(files) {
  const units = files.filter((f) => ALONE.has(f)).map((f) => [f]);
  for (const set of TOGETHER) if (files.some((f) => set.includes(f))) units.push(set.filter((f) => files.includes(f)));
  const byFolder = new Map();
  for (const f of files.filter((f) => !ALONE.has(f) && !inSets.has(f))) byFolder.set(dirname(f), [...(byFolder.get(dirname(f)) ?? []), f]);
  for (const group of byFolder.values()) {
    const parts = Math.ceil(group.length / GROUP_FILES);
    const size = Math.ceil(group.length / parts);
    for (let i = 0; i < group.length; i += size) units.push(group.slice(i, i + size));
  }
  return units;
}

const filter = process.argv.slice(2);
const files = collect('test').filter((f) => filter.length === 0 || filter.some((x) => f.includes(x))).sort();
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY) || 2);
/**
 * The bridges the tests start run as ordinary programs (`eqmorph run` would ask for realtime scheduling where allowed,
 * as under CI's root): a realtime thread busy with its start-up under tsx holds a core from the other tests' processes
 * for seconds. The test of realtime scheduling asks for it by --realtime.
 */
const env = { ...process.env, EQMORPH_REALTIME: process.env.EQMORPH_REALTIME ?? '0' };
const times = lastTimes();
// A file never timed counts as long, so a new slow file does not end the run alone. With no times at all (a fresh
// clone), the ALONE files go first, in their list's order, then the TOGETHER sets, then the groups, most files first.
const aloneOrder = [...ALONE, ...TOGETHER.map((set) => set[0])];
const estimate = (unit) =>
  Object.keys(times).length === 0
    ? (aloneOrder.includes(unit[0]) ? 1e9 - aloneOrder.indexOf(unit[0]) : unit.length)
    : unit.reduce((ms, f) => ms + (times[f] ?? Infinity), PROCESS_MS);
const queue = plan(files).sort((a, b) => estimate(b) - estimate(a) || a[0].localeCompare(b[0]));
const scratch = mkdtempSync(join(tmpdir(), 'eqmorph-tests-'));
let spawned = 0;

/**
 * One process runs the unit's files (scripts/test-group.mjs) with two reporters: spec, for people, and a JSON line
 * per file with its counts (scripts/test-counts.mjs), read here.
 */
function runUnit(unit) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const countsFile = join(scratch, `${spawned++}.jsonl`);
    const args = ['--import', 'tsx', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./scripts/test-counts.mjs', `--test-reporter-destination=${countsFile}`, 'scripts/test-group.mjs', ...unit];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    const timer = setTimeout(() => {
      chunks.push(Buffer.from(`\n✖ ${unit.join(', ')} still running after ${PROCESS_TIMEOUT_MS / 1000} s: stopped\n`));
      child.kill('SIGKILL');
    }, PROCESS_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      let lines = [];
      try {
        lines = readFileSync(countsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      } catch {
        // the process died before its reporter wrote anything
      }
      const reported = new Map(lines.map((l) => [l.file, l]));
      const unreported = unit.filter((f) => !reported.has(f));
      if (unreported.length) chunks.push(Buffer.from(`\n✖ the process ended (${signal ?? `exit code ${code}`}) before these files reported: ${unreported.join(', ')}\n`));
      const results = unit.map((file) => {
        const r = reported.get(file);
        if (!r) return { file, ok: false, reported: false, ms: unit.length === 1 ? ms : 0, tests: 0, pass: 0, fail: 1, skipped: 0 };
        // Alone, the process's exit counts too; shared, a late failure is pinned by running the files again alone.
        const ok = r.ok && (unit.length > 1 || (code === 0 && signal === null));
        // A file that failed without a failing test (a hook, its import, the process's exit code) counts one failure.
        return { file, ok, reported: true, ms: unit.length === 1 ? ms : r.ms, tests: r.tests, pass: r.pass, fail: r.fail + (ok || r.fail ? 0 : 1), skipped: r.skipped + r.todo + r.cancelled };
      });
      resolve({ unit, ok: code === 0 && signal === null, ms, text: Buffer.concat(chunks).toString('utf8'), results });
    });
  });
}

const started = performance.now();
const results = [];
/** Processes that failed although every file in them passed, there and alone (an error after their tests ended). */
const together = [];
function print(r, label = '') {
  const name = r.unit.length === 1 ? r.unit[0] : `${r.unit.length} files: ${r.unit.join(', ')}`;
  process.stdout.write(`\n▶ ${name}${label} (${(r.ms / 1000).toFixed(1)} s)${r.ok ? '' : ' FAILED'}\n${r.text}`);
}
async function lane() {
  for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
    const r = await runUnit(unit);
    print(r);
    if (r.ok || unit.length === 1) {
      results.push(...r.results);
      continue;
    }
    // Pin the failure: each file of the process that failed or never reported runs again, alone; if every file passed
    // (the process failed after them), each does. A file that reported keeps its shared run's result (a failure there
    // is a failure, even if the file passes alone: a random draw, the load, or a file that disturbs another); a file
    // that never reported counts its run alone.
    const failing = r.results.filter((x) => !x.ok);
    const again = failing.length ? failing : r.results;
    results.push(...r.results.filter((x) => !again.includes(x)));
    for (const x of again) {
      const a = await runUnit([x.file]);
      print(a, ', run again alone');
      const alone = a.results[0];
      if (!x.reported || !alone.ok) results.push(alone);
      else results.push({ ...x, note: x.ok ? '' : ' (passed when run again alone)' });
    }
    if (failing.length === 0 && again.every((x) => results.find((y) => y.file === x.file)?.ok)) together.push(unit);
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
const seconds = (performance.now() - started) / 1000;
rmSync(scratch, { recursive: true, force: true });

/** CPU seconds (user + system) of the test processes and what they waited for: far less sensitive to other load than wall time. */
function childrenCpu() {
  try {
    // /proc/self/stat: the fields after the command's closing parenthesis; cutime and cstime are the 14th and 15th, in ticks of 1/100 s.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return `, CPU ${((Number(fields[13]) + Number(fields[14])) / 100).toFixed(1)} s`;
  } catch {
    return '';
  }
}
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
const failed = results.filter((r) => !r.ok);
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 10);
process.stdout.write(
  [
    '',
    `files ${results.length}, tests ${sum('tests')}, pass ${sum('pass')}, fail ${sum('fail')}, skipped/cancelled ${sum('skipped')}; ${seconds.toFixed(1)} s${childrenCpu()}, ${spawned} processes, ${concurrency} at a time`,
    'slowest files (alone: its process; sharing one: its own tests):',
    ...slowest.map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file}`),
    ...(failed.length ? ['failed files:', ...failed.map((r) => `  ${r.file}${r.note ?? ''}`)] : []),
    ...(together.length ? ['processes that failed although each of their files passed, together and alone:', ...together.map((u) => `  ${u.join(', ')}`)] : []),
    '',
  ].join('\n'),
);
// A filtered run updates its own files' times and keeps the others'.
mkdirSync(dirname(TIMES_FILE), { recursive: true });
writeFileSync(TIMES_FILE, JSON.stringify({ ...times, ...Object.fromEntries(results.map((r) => [r.file, Math.round(r.ms)])) }, null, 1));
process.exit(failed.length || together.length ? 1 : 0);
