import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { learningRateAt } from '../../src/model/train.js';

// The learning-rate schedule: a half cosine from the first rate to the final one over the main epochs.

const rates = fc.record({
  learningRate: fc.double({ min: 1e-5, max: 1e-1, noNaN: true }),
  finalLearningRate: fc.double({ min: 1e-6, max: 1e-1, noNaN: true }),
});

describe('learningRateAt', () => {
  test('starts at the first rate and ends at the final one', () => {
    fc.assert(
      fc.property(rates, fc.integer({ min: 2, max: 500 }), (cfg, epochs) => {
        const tolerance = 1e-12 * Math.max(cfg.learningRate, cfg.finalLearningRate);
        assert.ok(Math.abs(learningRateAt(1, epochs, cfg) - cfg.learningRate) <= tolerance);
        assert.ok(Math.abs(learningRateAt(epochs, epochs, cfg) - cfg.finalLearningRate) <= tolerance);
      }),
    );
  });

  test('moves one way only, and is halfway at the middle epoch', () => {
    fc.assert(
      fc.property(rates, fc.integer({ min: 1, max: 250 }), (cfg, half) => {
        const epochs = 2 * half + 1;
        const sign = Math.sign(cfg.finalLearningRate - cfg.learningRate);
        for (let e = 2; e <= epochs; e++) assert.ok(sign * (learningRateAt(e, epochs, cfg) - learningRateAt(e - 1, epochs, cfg)) >= -1e-15);
        const mid = learningRateAt(half + 1, epochs, cfg);
        assert.ok(Math.abs(mid - (cfg.learningRate + cfg.finalLearningRate) / 2) <= 1e-12);
      }),
    );
  });

  test('is constant when the final rate is the first, and for a single epoch', () => {
    assert.deepEqual([1, 2, 30, 55].map((e) => learningRateAt(e, 55, { learningRate: 1e-3, finalLearningRate: 1e-3 })), [1e-3, 1e-3, 1e-3, 1e-3]);
    assert.equal(learningRateAt(1, 1, { learningRate: 2e-3, finalLearningRate: 1e-4 }), 2e-3);
  });

  test('a quarter of the way in, a half cosine has fallen by (1 - cos 45°) / 2 of the drop', () => {
    const r = learningRateAt(26, 101, { learningRate: 1e-3, finalLearningRate: 0 });
    assert.ok(Math.abs(r - 1e-3 * (1 + Math.SQRT1_2) / 2) < 1e-15);
  });
});
