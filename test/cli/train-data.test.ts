import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { eqmorph } from '../support/cli.js';

// `eqmorph train --data` on files that are not SAFE-DB: one line and exit 2, never a stack trace; skipped rows reported.
const dir = mkdtempSync(join(tmpdir(), 'eqmorph-train-data-'));
after(() => rmSync(dir, { recursive: true }));

const train = (name: string, content: string | Buffer) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return eqmorph('train', '--data', file, '--out', join(dir, 'model'), '--no-socialeq', '--epochs', '1');
};

for (const [name, content] of [
  ['empty.csv', ''],
  ['binary.csv', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
  ['garbage.csv', 'hello,world\nthis is not,a dataset\n\u0000\u0001\u0002\n'],
] as const) {
  test(`an ${name.replace('.csv', '')} CSV is refused with one line naming it, exit code 2`, async () => {
    const r = await train(name, content);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(join(dir, name)), r.stderr);
    assert.match(r.stderr, /SAFE-DB/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test('garbage rows among good ones are reported with their line numbers (the first five) and a count', async () => {
  const good = '7,Warm,,2,2,3,100,-2,300,1,1,1000,2,0,3000,0.7099999785,2,8000,,,,,,,abc';
  const lines = [good, 'junk', good, 'x,y', good, 'more junk', 'and more', '1,2,3', 'last', good];
  const r = await train('mixed.csv', lines.join('\n') + '\n');
  const report = r.stderr.split('\n').find((l) => l.includes('skipped'))!;
  assert.match(report, /skipped 6 malformed rows of .*mixed\.csv: line 2 \(expected 25 columns, found 1\); line 4 .*; line 6 .*; line 7 .*; line 8 .*; and 1 more/);
  // Four rows of one term are not enough to train on: that is bad input too, one more line, exit 2.
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr);
});
