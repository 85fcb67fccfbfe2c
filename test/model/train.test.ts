import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { learningRateAt, trainingPhases } from '../../src/model/train.js';

// The learning-rate schedule: the first rate for the constant epochs, then a half cosine to the final one by the last
// main epoch.

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

  test('holds the first rate for the constant epochs, then falls one way to the final rate at the last', () => {
    fc.assert(
      fc.property(rates, fc.integer({ min: 2, max: 300 }), fc.integer({ min: 0, max: 400 }), (cfg, epochs, constantEpochs) => {
        const at = (e: number) => learningRateAt(e, epochs, { ...cfg, constantEpochs });
        const tolerance = 1e-12 * Math.max(cfg.learningRate, cfg.finalLearningRate);
        const flat = Math.min(constantEpochs, epochs - 1);
        for (let e = 1; e <= flat + 1; e++) assert.ok(Math.abs(at(e) - cfg.learningRate) <= tolerance, `epoch ${e} of ${epochs}, ${constantEpochs} constant`);
        if (constantEpochs < epochs - 1) assert.ok(Math.abs(at(epochs) - cfg.finalLearningRate) <= tolerance);
        const sign = Math.sign(cfg.finalLearningRate - cfg.learningRate);
        for (let e = 2; e <= epochs; e++) assert.ok(sign * (at(e) - at(e - 1)) >= -1e-15);
      }),
    );
  });

  test('after the constant epochs the fall is the plain half cosine over the epochs left', () => {
    const cfg = { learningRate: 1e-3, finalLearningRate: 1e-4 };
    for (const e of [1, 5, 13, 21]) assert.equal(learningRateAt(e + 54, 75, { ...cfg, constantEpochs: 54 }), learningRateAt(e, 21, cfg));
    assert.equal(learningRateAt(54, 75, { ...cfg, constantEpochs: 54 }), 1e-3);
  });
});

describe('trainingPhases', () => {
  test('the polish takes its epochs from the end, at most half of the run, and none without anchors', () => {
    assert.deepEqual(trainingPhases({ epochs: 80, polishEpochs: 25 }, true), { mainEpochs: 55, polishEpochs: 25 });
    assert.deepEqual(trainingPhases({ epochs: 10, polishEpochs: 25 }, true), { mainEpochs: 5, polishEpochs: 5 });
    assert.deepEqual(trainingPhases({ epochs: 1, polishEpochs: 25 }, true), { mainEpochs: 1, polishEpochs: 0 });
    assert.deepEqual(trainingPhases({ epochs: 80, polishEpochs: 25 }, false), { mainEpochs: 80, polishEpochs: 0 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.boolean(), (epochs, polish, anchors) => {
        const p = trainingPhases({ epochs, polishEpochs: polish }, anchors);
        assert.equal(p.mainEpochs + p.polishEpochs, epochs);
        assert.ok(p.mainEpochs >= p.polishEpochs && p.polishEpochs <= polish);
      }),
    );
  });
});
