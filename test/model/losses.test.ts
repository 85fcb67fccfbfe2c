import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../../src/model/tf.js';
import { supervisedContrastiveLoss } from '../../src/model/losses.js';

const oneHot = (labels: number[]) => tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat() as tf.Tensor2D;

test('the contrastive loss is lower when same-term embeddings agree than when they are mixed', () => {
  const labels = oneHot([0, 0, 1, 1]);
  const separated = tf.tensor2d([[1, 0], [0.99, 0.1], [0, 1], [0.1, 0.99]]);
  const mixed = tf.tensor2d([[1, 0], [0, 1], [0.99, 0.1], [0.1, 0.99]]);
  const good = supervisedContrastiveLoss(separated, labels, 0.1).dataSync()[0]!;
  const bad = supervisedContrastiveLoss(mixed, labels, 0.1).dataSync()[0]!;
  assert.ok(good < bad, `${good} < ${bad}`);
  assert.ok(Number.isFinite(good) && good >= 0);
});

test('anchors without a positive in the batch are skipped rather than producing NaN', () => {
  const loss = supervisedContrastiveLoss(tf.tensor2d([[1, 0], [0, 1]]), oneHot([0, 1]), 0.1).dataSync()[0]!;
  assert.equal(Math.abs(loss), 0);
});

test('the losses leave no tensors behind', () => {
  const e = tf.tensor2d([[1, 0], [0.5, 0.5], [0, 1]]);
  const y = oneHot([0, 0, 1]);
  const before = tf.memory().numTensors;
  supervisedContrastiveLoss(e, y, 0.1).dispose();
  assert.equal(tf.memory().numTensors, before);
});
