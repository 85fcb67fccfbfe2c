// Loaded before each test file only under mutation testing: a property that fails has found its mutant, so fast-check
// stops there instead of shrinking the counterexample (which can take longer than the whole file).
import assert from 'node:assert/strict';
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });

// Node builds the text of a failing `assert.ok(x)` without a message by reading the test's source at the call site; on
// tsx-compiled files that search can run for minutes, so a mutant the assertion caught counted as a timeout and cost
// the whole timeout. A fixed text instead: the test still fails at the same place.
const ok = assert.ok;
assert.ok = ((value: unknown, message?: string | Error) => ok(value, message ?? 'assert.ok failed')) as typeof assert.ok;
