import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DataFileError } from '../../src/data/errors.js';
import { DEFAULT_SAFE_DB } from '../../src/data/paths.js';
import { loadSafeDb, parseSafeDb } from '../../src/data/safedb.js';

const good = '7,Warm,,2,2,3,100,-2,300,1,1,1000,2,0,3000,0.7099999785,2,8000,,,,,,,abc';

test('a well-formed row becomes an example with the 13 parameters in column order', () => {
  const d = parseSafeDb(good + '\n');
  assert.equal(d.rejected.length, 0);
  assert.deepEqual(d.examples[0]!.params, [3, 100, -2, 300, 1, 1, 1000, 2, 0, 3000, 0.7099999785, 2, 8000]);
  assert.equal(d.examples[0]!.descriptor, 'Warm');
  assert.equal(d.examples[0]!.entry, 7);
});

test('malformed rows are rejected with their line number and reason, never parsed', () => {
  const bad = [
    good,
    '8,Bright,,2,2,3,100', // too few columns
    good.replace(',300,', ',abc,'), // non-numeric
    good.replace(',300,', ',NaN,'), // NaN
    good.replace('7,Warm,,2,2,3,', '9,Warm,,2,2,30,'), // gain 30 dB out of range
  ].join('\n');
  const d = parseSafeDb(bad);
  assert.equal(d.examples.length, 1);
  assert.deepEqual(d.rejected.map((r) => r.line), [2, 3, 4, 5]);
  assert.match(d.rejected[0]!.reason, /expected 25 columns, found 7/);
  assert.match(d.rejected[1]!.reason, /b2\.freq.*not a number/);
  assert.match(d.rejected[3]!.reason, /b1\.gain.*outside -12\.\.12/);
});

test('a missing file is a DataFileError naming the path and the --data option', () => {
  assert.throws(() => loadSafeDb('/nonexistent/safe.csv'), (err: unknown) => err instanceof DataFileError && /\/nonexistent\/safe\.csv.*--data/.test(err.message));
});

const shared = existsSync(DEFAULT_SAFE_DB);
test('the real SAFE-DB file parses completely (needs ../shared/datasets)', { skip: shared ? false : `dataset absent at ${DEFAULT_SAFE_DB}` }, () => {
  const d = loadSafeDb(DEFAULT_SAFE_DB);
  assert.equal(d.examples.length + d.rejected.length, 1700);
  assert.equal(d.examples.length, 1700);
  assert.match(d.sha256, /^[0-9a-f]{64}$/);
});
