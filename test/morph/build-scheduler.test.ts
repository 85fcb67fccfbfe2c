import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BuildScheduler, type BuildJob } from '../../src/morph/build-scheduler.js';

/** A scheduler whose turns are run by hand and whose clock moves only when a slice says so. */
function manual(budgetMs: number, start = 0) {
  let clock = start;
  let turns = 0;
  const s = new BuildScheduler({ budgetMs, now: () => clock, defer: () => void turns++ });
  return { s, tick: (ms: number) => (clock += ms), deferred: () => turns };
}

/** A job of `slices` slices, each costing `ms` on the clock and logging its key. */
function job(log: string[], key: string, slices: number, tick: (ms: number) => void, ms = 1): BuildJob {
  let left = slices;
  return {
    step: () => {
      log.push(key);
      tick(ms);
      return --left === 0;
    },
  };
}

test('jobs run first come, first served, each to its end before the next starts', () => {
  const { s, tick } = manual(100);
  const log: string[] = [];
  s.add('a', job(log, 'a', 2, tick));
  s.add('b', job(log, 'b', 2, tick));
  s.runTurn();
  assert.deepEqual(log, ['a', 'a', 'b', 'b']);
  assert.equal(s.pending, 0);
});

test('a touched job goes first, the latest touch first, then the rest in order of arrival', () => {
  const { s, tick } = manual(1);
  const log: string[] = [];
  for (const k of ['a', 'b', 'c', 'd']) s.add(k, job(log, k, 1, tick));
  s.touch('c');
  s.touch('b');
  assert.deepEqual(s.order(), ['b', 'c', 'a', 'd']);
});

test('a turn stops once its budget is spent, and always runs at least one slice', () => {
  const { s, tick } = manual(2.5);
  const log: string[] = [];
  s.add('a', job(log, 'a', 10, tick, 1));
  s.runTurn();
  assert.equal(log.length, 3); // 0 -> 1 -> 2 -> 3 ms: the third slice crosses 2.5 ms
  const { s: slow, tick: slowTick } = manual(0.5);
  const slowLog: string[] = [];
  slow.add('x', job(slowLog, 'x', 5, slowTick, 10));
  slow.runTurn();
  assert.equal(slowLog.length, 1);
});

test('budget accounting: for any slice costs, a turn runs slices until the clock passes the budget, and no further', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0.1, max: 10, noNaN: true }), (costs, budget) => {
      const { s, tick } = manual(budget);
      let i = 0;
      s.add('a', { step: () => (tick(costs[i++]!), i === costs.length) });
      s.runTurn();
      const spent = costs.slice(0, i).reduce((a, b) => a + b, 0);
      const before = costs.slice(0, i - 1).reduce((a, b) => a + b, 0);
      assert.ok(i === costs.length || spent >= budget, `stopped early after ${i} slices, ${spent} ms`);
      assert.ok(i === 1 || before < budget, `ran a slice after the budget was spent`);
    }),
  );
});

test('work left after a turn asks for another turn; an empty queue asks for none', () => {
  const { s, tick, deferred } = manual(1);
  const log: string[] = [];
  s.add('a', job(log, 'a', 3, tick, 1));
  assert.equal(deferred(), 1);
  s.runTurn();
  assert.equal(deferred(), 2);
  s.runTurn();
  s.runTurn();
  assert.equal(s.pending, 0);
  assert.equal(deferred(), 3);
});

test('a key already queued keeps its job', () => {
  const { s, tick } = manual(100);
  const log: string[] = [];
  s.add('a', job(log, 'first', 1, tick));
  s.add('a', job(log, 'second', 1, tick));
  s.runTurn();
  assert.deepEqual(log, ['first']);
});

test('a job that throws is dropped and the next one runs', () => {
  const { s, tick } = manual(100);
  const log: string[] = [];
  s.add('bad', {
    step: () => {
      throw new Error('broken');
    },
  });
  s.add('good', job(log, 'good', 1, tick));
  s.runTurn();
  assert.deepEqual(log, ['good']);
  assert.equal(s.pending, 0);
});

test('paused, a turn runs nothing; resumed, the work goes on', () => {
  const { s, tick, deferred } = manual(100);
  const log: string[] = [];
  s.add('a', job(log, 'a', 1, tick));
  s.pause();
  s.runTurn();
  assert.deepEqual(log, []);
  const before = deferred();
  s.resume();
  assert.equal(deferred(), before + 1);
  s.runTurn();
  assert.deepEqual(log, ['a']);
});

test('idle resolves once the queue is empty', async () => {
  const { s, tick } = manual(100);
  const log: string[] = [];
  let idle = false;
  s.add('a', job(log, 'a', 1, tick));
  const done = s.idle().then(() => (idle = true));
  await Promise.resolve();
  assert.equal(idle, false);
  s.runTurn();
  await done;
  assert.equal(idle, true);
});

test('cancel drops a queued job', () => {
  const { s, tick } = manual(100);
  const log: string[] = [];
  s.add('a', job(log, 'a', 1, tick));
  s.add('b', job(log, 'b', 1, tick));
  s.cancel('a');
  s.runTurn();
  assert.deepEqual(log, ['b']);
});

test('a waiting job is passed over without a slice, and runs once it stops waiting and the scheduler is woken', () => {
  const { s, tick, deferred } = manual(100);
  const log: string[] = [];
  let waiting = true;
  s.add('a', { ...job(log, 'a', 1, tick), waiting: () => waiting });
  s.add('b', job(log, 'b', 1, tick));
  s.runTurn();
  assert.deepEqual(log, ['b']);
  const turns = deferred();
  s.runTurn();
  assert.deepEqual(log, ['b'], 'nothing to run while a waits');
  assert.equal(deferred(), turns, 'no turn is scheduled while every job waits');
  waiting = false;
  s.wake();
  assert.equal(deferred(), turns + 1);
  s.runTurn();
  assert.deepEqual(log, ['b', 'a']);
  assert.equal(s.pending, 0);
});

test('touching a key that is not queued changes nothing', () => {
  const { s, tick } = manual(1);
  const log: string[] = [];
  for (const k of ['a', 'b']) s.add(k, job(log, k, 1, tick));
  s.touch('z');
  assert.deepEqual(s.order(), ['a', 'b']);
});

test('a resume without a pause is ignored: the next pause still holds the work', () => {
  const { s, tick } = manual(100);
  const log: string[] = [];
  s.resume();
  s.pause();
  s.add('a', job(log, 'a', 1, tick));
  s.runTurn();
  assert.deepEqual(log, []);
  assert.equal(s.pending, 1);
});

test('the budget is measured from the start of the turn, whatever the clock read then', () => {
  const { s, tick } = manual(2.5, 1000);
  const log: string[] = [];
  s.add('a', job(log, 'a', 10, tick, 1));
  s.runTurn();
  assert.equal(log.length, 3);
});

test('one turn is asked for at a time: jobs added before it runs share it', () => {
  const { s, tick, deferred } = manual(100);
  const log: string[] = [];
  for (const k of ['a', 'b', 'c']) s.add(k, job(log, k, 1, tick));
  s.wake();
  assert.equal(deferred(), 1);
});

test('paused, added work asks for no turn until resumed', () => {
  const { s, tick, deferred } = manual(100);
  const log: string[] = [];
  s.pause();
  s.add('a', job(log, 'a', 1, tick));
  assert.equal(deferred(), 0);
  s.resume();
  assert.equal(deferred(), 1);
});

test('idle can be waited for again after the queue has emptied once', async () => {
  const { s, tick } = manual(100);
  const log: string[] = [];
  for (const k of ['a', 'b']) {
    s.add(k, job(log, k, 1, tick));
    const done = s.idle();
    s.runTurn();
    await done;
  }
  assert.deepEqual(log, ['a', 'b']);
});
