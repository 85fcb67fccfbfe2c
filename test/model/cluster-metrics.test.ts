import assert from 'node:assert/strict';
import { test } from 'node:test';
import { centroidsOf, daviesBouldin, nearestCentroidAccuracy, silhouette, euclidean } from '../../src/model/cluster-metrics.js';

const tight = [[1, 0.01], [1, -0.01], [-1, 0.01], [-1, -0.01]];
const labels = ['a', 'a', 'b', 'b'];

test('well-separated clusters score a silhouette near 1 and a small Davies-Bouldin index', () => {
  assert.ok(silhouette(tight, labels) > 0.9);
  assert.ok(silhouette(tight, labels, euclidean) > 0.9);
  assert.ok(daviesBouldin(tight, labels) < 0.05);
});

test('interleaved clusters score a silhouette below zero', () => {
  assert.ok(silhouette(tight, ['a', 'b', 'a', 'b'], euclidean) < 0);
});

test('nearest-centroid accuracy counts points closest to their own centroid', () => {
  const c = centroidsOf(tight, labels);
  assert.equal(nearestCentroidAccuracy(tight, labels, c), 1);
  assert.equal(nearestCentroidAccuracy(tight, ['b', 'b', 'a', 'a'], c), 0);
});
