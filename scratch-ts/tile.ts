import { initBackend } from '../src/model/backend.js';
import * as tf from '../src/model/tf.js';
await initBackend();
const a = tf.randomNormal([64, 256]); const m = tf.randomNormal([64, 1]); const g = tf.randomNormal([1, 256]);
function t(name: string, f: () => tf.Tensor) {
  for (let i = 0; i < 5; i++) tf.tidy(() => f());
  const c0 = process.cpuUsage(); const n = 200;
  for (let i = 0; i < n; i++) tf.tidy(() => f());
  const u = process.cpuUsage(c0);
  console.log(`${name.padEnd(30)} ${((u.user + u.system) / n).toFixed(0)} µs`);
}
t('tile [64,1]->[64,256]', () => tf.tile(m, [1, 256]));
t('tile [1,256]->[64,256]', () => tf.tile(g, [64, 1]));
t('mul broadcast [64,256]*[64,1]', () => tf.mul(a, m));
t('mul [64,256]*[64,256]', () => tf.mul(a, a));
