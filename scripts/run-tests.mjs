// Runs every test file under test/ (or those whose path contains one of the arguments), TypeScript loaded through tsx:
// each file in a process of its own, TEST_CONCURRENCY at a time (default 2), the slowest of the last run first so that
// no long file starts last; prints each file's report when it ends, then the totals and the ten slowest files.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return /\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** A file's tests may not hang the run: after this long its process is stopped and the file fails. */
const FILE_TIMEOUT_MS = 600_000;
const TIMES_FILE = join('node_modules', '.cache', 'eqmorph-tests', 'times.json');

function lastTimes() {
  try {
    return JSON.parse(readFileSync(TIMES_FILE, 'utf8'));
  } catch {
    return {};
  }
}

const filter = process.argv.slice(2);
const files = collect('test').filter((f) => filter.length === 0 || filter.some((x) => f.includes(x))).sort();
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY) || 2);
const times = lastTimes();
// Longest first; a file never timed counts as long, so a new slow file does not end the run alone.
const queue = [...files].sort((a, b) => (times[b] ?? Infinity) - (times[a] ?? Infinity) || a.localeCompare(b));

/** One file: node runs its tests and reports them (spec); the counts are read from the report's summary lines. */
function runFile(file) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--test-reporter=spec', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    const timer = setTimeout(() => {
      chunks.push(Buffer.from(`\n✖ ${file} still running after ${FILE_TIMEOUT_MS / 1000} s: stopped\n`));
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const count = (name) => Number(text.match(new RegExp(`^ℹ ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
      const ok = code === 0 && signal === null;
      resolve({ file, ok, ms: performance.now() - t0, text, tests: count('tests'), pass: count('pass'), fail: count('fail') + (ok || count('fail') ? 0 : 1), skipped: count('skipped') + count('todo') + count('cancelled') });
    });
  });
}

const started = performance.now();
const results = [];
async function lane() {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const r = await runFile(file);
    results.push(r);
    process.stdout.write(`\n▶ ${r.file} (${(r.ms / 1000).toFixed(1)} s)${r.ok ? '' : ' FAILED'}\n${r.text}`);
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
const seconds = (performance.now() - started) / 1000;

const sum = (k) => results.reduce((n, r) => n + r[k], 0);
const failed = results.filter((r) => !r.ok);
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 10);
process.stdout.write(
  [
    '',
    `files ${results.length}, tests ${sum('tests')}, pass ${sum('pass')}, fail ${sum('fail')}, skipped/cancelled ${sum('skipped')}; ${seconds.toFixed(1)} s, ${concurrency} at a time`,
    'slowest files:',
    ...slowest.map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file}`),
    ...(failed.length ? ['failed files:', ...failed.map((r) => `  ${r.file}`)] : []),
    '',
  ].join('\n'),
);
// A filtered run updates its own files' times and keeps the others'.
mkdirSync(join('node_modules', '.cache', 'eqmorph-tests'), { recursive: true });
writeFileSync(TIMES_FILE, JSON.stringify({ ...times, ...Object.fromEntries(results.map((r) => [r.file, Math.round(r.ms)])) }, null, 1));
process.exit(failed.length ? 1 : 0);
