import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stratifiedSplit } from '../../src/data/split.js';

test('the split is a partition, stratified, and the same for the same seed', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 6, maxLength: 200 }), fc.integer(), (labels, seed) => {
      const items = labels.map((label, id) => ({ id, label }));
      const s = stratifiedSplit(items, (x) => x.label, 0.2, seed);
      const ids = [...s.train, ...s.heldOut].map((x) => x.id).sort((a, b) => a - b);
      assert.deepEqual(ids, items.map((x) => x.id));
      for (const l of new Set(labels)) {
        const n = labels.filter((x) => x === l).length;
        const h = s.heldOut.filter((x) => x.label === l).length;
        if (n >= 2) assert.ok(h >= 1 && h <= n - 1 && Math.abs(h - 0.2 * n) <= 1);
      }
      assert.deepEqual(stratifiedSplit(items, (x) => x.label, 0.2, seed), s);
    }),
  );
});
