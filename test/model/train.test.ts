import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { learningRateAt } from '../../src/model/train.js';

const schedules = fc.record({
  learningRate: fc.double({ min: 1e-6, max: 1, noNaN: true }),
  finalLearningRateFactor: fc.double({ min: 0, max: 1, noNaN: true }),
  epochs: fc.integer({ min: 2, max: 200 }),
  polishEpochs: fc.integer({ min: 0, max: 10 }),
});

test('the learning rate starts at learningRate and reaches learningRate x factor at the last epoch before the polish', () => {
  fc.assert(
    fc.property(schedules, (cfg) => {
      const last = Math.max(1, cfg.epochs - cfg.polishEpochs);
      const end = last === 1 ? cfg.learningRate * cfg.finalLearningRateFactor : cfg.learningRate;
      assert.ok(Math.abs(learningRateAt(1, cfg) - end) <= 1e-12 * cfg.learningRate + 1e-15);
      assert.ok(Math.abs(learningRateAt(last, cfg) - cfg.learningRate * cfg.finalLearningRateFactor) <= 1e-12 * cfg.learningRate);
    }),
  );
});

test('the learning rate never rises from one epoch to the next and stays within its two ends', () => {
  fc.assert(
    fc.property(schedules, (cfg) => {
      let previous = Infinity;
      for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
        const rate = learningRateAt(epoch, cfg);
        assert.ok(rate <= previous * (1 + 1e-12), `epoch ${epoch}: ${rate} after ${previous}`);
        assert.ok(rate >= cfg.learningRate * cfg.finalLearningRateFactor * (1 - 1e-12) && rate <= cfg.learningRate * (1 + 1e-12));
        previous = rate;
      }
    }),
  );
});

test('a factor of 1 keeps the learning rate exactly constant', () => {
  fc.assert(
    fc.property(schedules, fc.integer({ min: 1, max: 200 }), (cfg, epoch) => {
      assert.equal(learningRateAt(epoch, { ...cfg, finalLearningRateFactor: 1 }), cfg.learningRate);
    }),
  );
});
