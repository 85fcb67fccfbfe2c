// Runs Stryker over the named sets of stryker.config.mjs (all, smallest first, when none is named), niced, one after another.
import { spawnSync } from 'node:child_process';
import { SETS } from '../stryker.config.mjs';

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(SETS)) {
  if (!(name in SETS)) {
    console.error(`unknown set ${name}: one of ${Object.keys(SETS).join(', ')}`);
    process.exit(2);
  }
  const r = spawnSync('nice', ['-n', '15', process.execPath, 'node_modules/@stryker-mutator/core/bin/stryker.js', 'run'], { stdio: 'inherit', env: { ...process.env, MUTATE_SET: name } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
