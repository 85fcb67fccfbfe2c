// Runs a mutation set's tests against its mutants without Stryker's sandboxes and coverage analysis, writing each
// result as it comes, so a set too slow for `npm run mutate` here can be run in part and its progress kept:
//   node scripts/mutate-recheck.mjs <set> <mutants.json> <results.json> [--sample N --seed S] [--lines A-B]
//     [--tests a.test.ts,b.test.ts] [source file ...]
// <mutants.json> is a Stryker JSON report: of a `npm run mutate` run (its survivors and uncovered mutants are
// rechecked) or of `MUTATE_LIST=1 npm run mutate -- <set>` (which lists every mutant without testing it). Each mutant
// is applied to a copy of the project in a temporary folder, as Stryker would replace the text, and the set's test files
// run in their order until one fails. Mutants already in <results.json> are skipped, so a stopped run resumes.
// The test files whose name is the source file's (test/morph/x.test.ts, x-*.test.ts for src/morph/x.ts) run first, then
// the set's others in their order; --tests replaces the set's list (a mutant only another file would kill then counts
// as alive). --sample N rechecks N mutants per source file drawn at random (seeded by --seed, the same draw every time,
// so a sampled run resumes too), in the order drawn: the first k of a larger sample are the sample of k; --lines keeps the mutants that start on those lines. A test file still running after
// --timeout seconds (300) is stopped, and counts as failing: the mutant made it loop (or the machine is that busy).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SETS } from '../stryker.config.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { sample: { type: 'string' }, seed: { type: 'string', default: '1' }, lines: { type: 'string' }, tests: { type: 'string' }, timeout: { type: 'string', default: '300' } },
});
const [name, report, out, ...only] = positionals;
const set = SETS[name];
const sample = opts.sample === undefined ? Infinity : Number(opts.sample);
const [fromLine, toLine] = opts.lines ? opts.lines.split('-').map(Number) : [1, Infinity];
if (!set || !report || !out || !(sample > 0) || !(fromLine <= toLine)) {
  console.error(`usage: node scripts/mutate-recheck.mjs <set> <mutants.json> <results.json> [--sample N --seed S] [--lines A-B] [--tests a,b] [--timeout S] [source file ...]; sets: ${Object.keys(SETS).join(', ')}`);
  process.exit(2);
}
const setTests = opts.tests ? opts.tests.split(',') : set.tests;
/** The set's test files for one source file: those named after it first. */
function testsFor(file) {
  const base = basename(file, '.ts');
  const own = (t) => basename(t).startsWith(`${base}.`) || basename(t).startsWith(`${base}-`);
  return [...setTests.filter(own), ...setTests.filter((t) => !own(t))];
}
/** A seeded shuffle (mulberry32 driving Fisher-Yates): the same seed draws the same sample. */
function shuffled(list, seed) {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const json = JSON.parse(readFileSync(report, 'utf8'));
const results = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : [];
const done = new Set(results.map((r) => `${r.file}#${r.id}`));
const root = resolve('.');
const parent = mkdtempSync(join(tmpdir(), 'eqmorph-recheck-'));
const copy = join(parent, 'project');
const skip = new Set(['node_modules', '.git', 'reports', '.stryker-tmp', 'dist', 'bench-output', 'test-output', 'scratch']);
cpSync(root, copy, { recursive: true, filter: (src) => !skip.has(src.slice(root.length + 1).split('/')[0]) });
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
// The shared datasets sit beside the project (../shared), as beside the checkout.
if (existsSync(join(root, '..', 'shared'))) symlinkSync(join(root, '..', 'shared'), join(parent, 'shared'));
process.on('exit', () => rmSync(parent, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

for (const [file, f] of Object.entries(json.files)) {
  if (only.length && !only.includes(file)) continue;
  const original = readFileSync(join(root, file), 'utf8');
  if (original !== f.source) {
    console.error(`${file} changed since ${report}: run the set again`);
    process.exit(1);
  }
  const starts = [0];
  for (const line of f.source.split('\n')) starts.push(starts.at(-1) + line.length + 1);
  const offset = (p) => starts[p.line - 1] + p.column - 1;
  const candidates = f.mutants.filter((m) => ['Survived', 'NoCoverage'].includes(m.status) && m.location.start.line >= fromLine && m.location.start.line <= toLine);
  // A sample is rechecked in the order it was drawn, so a run stopped part way has rechecked a smaller random sample.
  const picked = opts.sample === undefined ? candidates : shuffled(candidates, Number(opts.seed)).slice(0, sample);
  if (opts.sample !== undefined) console.log(`${file}: a sample of ${picked.length} of its ${candidates.length} mutants (seed ${opts.seed})`);
  const tests = testsFor(file);
  for (const m of picked) {
    if (done.has(`${file}#${m.id}`)) continue;
    const [a, b] = [offset(m.location.start), offset(m.location.end)];
    writeFileSync(join(copy, file), f.source.slice(0, a) + m.replacement + f.source.slice(b));
    let killedBy = null;
    for (const t of tests) {
      // The file itself, as Stryker's tap runner runs it: no --test runner between, whose timeout would leave the
      // file's own process behind, looping on.
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/mutation-setup.ts', t], { cwd: copy, encoding: 'utf8', timeout: Number(opts.timeout) * 1000, killSignal: 'SIGKILL' });
      if (r.status !== 0) {
        killedBy = r.signal ? `${t} (${r.signal})` : t;
        break;
      }
    }
    writeFileSync(join(copy, file), original);
    const row = { id: m.id, ...(opts.sample !== undefined ? { sample: `${picked.length} of ${candidates.length}, seed ${opts.seed}` } : {}), file, line: m.location.start.line, mutator: m.mutatorName, original: f.source.slice(a, b), replacement: m.replacement, killedBy };
    results.push(row);
    writeFileSync(out, JSON.stringify(results, null, 1));
    console.log(`${killedBy ? 'killed' : 'ALIVE '} ${file}:${row.line} ${row.mutator} ${JSON.stringify(row.original.slice(0, 60))} -> ${JSON.stringify(row.replacement.slice(0, 60))}${killedBy ? ` by ${killedBy}` : ''}`);
  }
}
const alive = results.filter((r) => !r.killedBy).length;
console.log(`${results.length} rechecked: ${results.length - alive} killed, ${alive} alive`);
