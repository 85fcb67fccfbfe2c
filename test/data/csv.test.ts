import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseCsv } from '../../src/data/csv.js';

test('quoted fields keep their commas and doubled quotes', () => {
  const rows = parseCsv('1,"Toppy, Thick",x\n2,"say ""hi""",y\n');
  assert.deepEqual(rows.map((r) => r.fields), [
    ['1', 'Toppy, Thick', 'x'],
    ['2', 'say "hi"', 'y'],
  ]);
});

test('rows carry the line they start on, even after a quoted newline', () => {
  const rows = parseCsv('a,"two\nlines"\r\nb,c\n');
  assert.deepEqual(rows.map((r) => r.line), [1, 3]);
});

test('any fields without quotes, commas or newlines round-trip through join and parse', () => {
  const field = fc.string().filter((s) => !/[",\r\n]/.test(s));
  fc.assert(
    fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 10 }), (rows) => {
      const text = rows.map((r) => r.join(',')).join('\n') + '\n';
      assert.deepEqual(parseCsv(text).map((r) => r.fields), rows);
    }),
  );
});
