import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TurnGate } from '../../src/pipeline/turn-gate.js';

/** A gate whose turns are run by hand and whose clock moves only when a piece of work says so. */
function manual(budgetMs: number) {
  let clock = 0;
  let deferred = 0;
  const gate = new TurnGate({ budgetMs, now: () => clock, defer: () => void deferred++ });
  return { gate, tick: (ms: number) => (clock += ms), deferred: () => deferred };
}

test('nothing passes in the turn that asks: a slot opens on a later turn', () => {
  const { gate, deferred } = manual(1);
  const log: string[] = [];
  gate.slot().subscribe(() => log.push('a'));
  assert.deepEqual(log, []);
  assert.equal(deferred(), 1);
  gate.runTurn();
  assert.deepEqual(log, ['a']);
});

test('waiters pass in the order they asked, as many per turn as the budget allows (at least one)', () => {
  const { gate, tick } = manual(2);
  const log: string[][] = [];
  let turn: string[] = [];
  for (const k of ['a', 'b', 'c', 'd', 'e']) gate.slot().subscribe(() => (turn.push(k), tick(1)));
  while (gate.waiting > 0) {
    gate.runTurn();
    log.push(turn);
    turn = [];
  }
  assert.deepEqual(log, [['a', 'b'], ['c', 'd'], ['e']]);
});

test('a waiter that unsubscribed is passed over without taking the turn', () => {
  const { gate, tick } = manual(1);
  const log: string[] = [];
  const a = gate.slot().subscribe(() => (log.push('a'), tick(5)));
  gate.slot().subscribe(() => (log.push('b'), tick(5)));
  a.unsubscribe();
  gate.runTurn();
  assert.deepEqual(log, ['b']);
  assert.equal(gate.waiting, 0);
});

test('a slot emits once and completes', () => {
  const { gate } = manual(1);
  let values = 0;
  let completed = false;
  gate.slot().subscribe({ next: () => values++, complete: () => (completed = true) });
  gate.runTurn();
  gate.runTurn();
  assert.equal(values, 1);
  assert.equal(completed, true);
});

test('for any costs and budget, every waiter passes exactly once, in order, and each turn but the last passes work over the budget or one waiter', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (costs, budget) => {
      const { gate, tick } = manual(budget);
      const order: number[] = [];
      costs.forEach((c, i) => gate.slot().subscribe(() => (order.push(i), tick(c))));
      const turns: number[][] = [];
      while (gate.waiting > 0) {
        const before = order.length;
        gate.runTurn();
        turns.push(order.slice(before));
      }
      assert.deepEqual(order, costs.map((_, i) => i));
      for (const t of turns.slice(0, -1)) {
        const spent = t.reduce((s, i) => s + costs[i]!, 0);
        assert.ok(t.length === 1 || spent - costs[t.at(-1)!]! < budget, `a turn went on past its budget: ${t}`);
        assert.ok(spent >= budget, `a turn stopped before its budget: ${t}`);
      }
    }),
  );
});

test('a waiter behind lets every other waiter go first, even those that ask after it', () => {
  const { gate, tick } = manual(1);
  const log: string[] = [];
  gate.slot(true).subscribe(() => (log.push('snapshot'), tick(1)));
  gate.slot().subscribe(() => (log.push('move 1'), tick(1)));
  gate.runTurn();
  gate.slot().subscribe(() => (log.push('move 2'), tick(1)));
  gate.runTurn();
  gate.runTurn();
  assert.deepEqual(log, ['move 1', 'move 2', 'snapshot']);
  assert.equal(gate.waiting, 0);
});
