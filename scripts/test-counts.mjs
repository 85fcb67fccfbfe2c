// A test reporter for scripts/test-group.mjs: one JSON line per test file (the suite named by its path) with its counts
// and duration, counted as node's own summary counts them (suites are not tests; a test stopped by its timeout or its
// parent counts as cancelled). Read by scripts/run-tests.mjs.
export default async function* counts(source) {
  let bucket = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.nesting === 0) {
      yield `${JSON.stringify({ file: data.name, ok: event.type === 'test:pass', ms: data.details.duration_ms, ...bucket })}\n`;
      bucket = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
      continue;
    }
    if (data.details.type === 'suite') continue;
    bucket.tests++;
    const failure = data.details.error?.failureType;
    if (data.skip) bucket.skipped++;
    else if (data.todo) bucket.todo++;
    else if (event.type === 'test:pass') bucket.pass++;
    else if (failure === 'cancelledByParent' || failure === 'testTimeoutFailure') bucket.cancelled++;
    else bucket.fail++;
  }
}
