// Runs several test files in this one process (node --import tsx --test-reporter=... scripts/test-group.mjs FILE...):
// each file's tests, hooks included, run inside a suite named by the file's path, one file after the other, so that a
// failure names its file and a file's top-level before/after hooks stay its own. Started by scripts/run-tests.mjs.
import { describe } from 'node:test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

for (const file of process.argv.slice(2)) {
  describe(file, async () => {
    await import(pathToFileURL(resolve(file)).href);
  });
}
