// Runs a mutation set's tests against its mutants without Stryker's sandboxes and coverage analysis, writing each
// result as it comes, so a set too slow for `npm run mutate` here can be run in part and its progress kept:
//   node scripts/mutate-recheck.mjs <set> <mutants.json> <results.json> [source file ...]
// <mutants.json> is a Stryker JSON report: of a `npm run mutate` run (its survivors and uncovered mutants are
// rechecked) or of `MUTATE_LIST=1 npm run mutate -- <set>` (which lists every mutant without testing it). Each mutant
// is applied to a copy of the project in a temporary folder, as Stryker would replace the text, and the set's test files
// run in their order until one fails. Mutants already in <results.json> are skipped, so a stopped run resumes.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SETS } from '../stryker.config.mjs';

const [name, report, out, ...only] = process.argv.slice(2);
const set = SETS[name];
if (!set || !report || !out) {
  console.error(`usage: node scripts/mutate-recheck.mjs <set> <mutants.json> <results.json> [source file ...]; sets: ${Object.keys(SETS).join(', ')}`);
  process.exit(2);
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
  for (const m of f.mutants) {
    if (!['Survived', 'NoCoverage'].includes(m.status) || done.has(`${file}#${m.id}`)) continue;
    const [a, b] = [offset(m.location.start), offset(m.location.end)];
    writeFileSync(join(copy, file), f.source.slice(0, a) + m.replacement + f.source.slice(b));
    let killedBy = null;
    for (const t of set.tests) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/support/mutation-setup.ts', '--test', t], { cwd: copy, encoding: 'utf8', timeout: 300_000 });
      if (r.status !== 0) {
        killedBy = r.signal ? `${t} (${r.signal})` : t;
        break;
      }
    }
    writeFileSync(join(copy, file), original);
    const row = { id: m.id, file, line: m.location.start.line, mutator: m.mutatorName, original: f.source.slice(a, b), replacement: m.replacement, killedBy };
    results.push(row);
    writeFileSync(out, JSON.stringify(results, null, 1));
    console.log(`${killedBy ? 'killed' : 'ALIVE '} ${file}:${row.line} ${row.mutator} ${JSON.stringify(row.original.slice(0, 60))} -> ${JSON.stringify(row.replacement.slice(0, 60))}${killedBy ? ` by ${killedBy}` : ''}`);
  }
}
const alive = results.filter((r) => !r.killedBy).length;
console.log(`${results.length} rechecked: ${results.length - alive} killed, ${alive} alive`);
