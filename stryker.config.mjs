// Mutation testing of the pure core (npm run mutate [-- set ...]); one set per folder, each with the tests that exercise it.
// Not part of npm test: a set takes minutes to an hour. Reports go to reports/mutation/<set>/ (git-ignored).

/** What is mutated, and which test files run against the mutants (only those that cover a mutant run for it). */
export const SETS = {
  codecs: {
    mutate: ['src/codecs/**/*.ts'],
    tests: ['test/codecs/control-value.test.ts', 'test/pipeline/decode-midi-control.test.ts', 'test/pipeline/decode-osc-control.test.ts', 'test/pipeline/midi-round-trip.test.ts', 'test/pipeline/encode-feedback.test.ts', 'test/web/log-ring.test.ts'],
  },
  // The pipeline's pure stages, one set per file (a set over all of them is over a thousand mutants: hours here).
  ...Object.fromEntries(
    Object.entries({
      takeover: ['takeover', 'encode-feedback'],
      bindings: ['bindings', 'pad-bindings'],
      'budget-bytes': ['budget-bytes'],
      'throttle-log': ['throttle-log'],
      'decode-midi-control': ['decode-midi-control', 'classify-midi', 'midi-round-trip'],
      'decode-osc-control': ['decode-osc-control'],
      'encode-target': ['encode-target', 'x32-encoding', 'midi-round-trip'],
      feedback: ['feedback', 'feedback-bindings', 'encode-feedback'],
    }).map(([file, tests]) => [`pipeline/${file}`, { mutate: [`src/pipeline/${file}.ts`], tests: tests.map((t) => `test/pipeline/${t}.test.ts`) }]),
  ),
  'osc-packet': {
    mutate: ['src/transports/osc-packet.ts'],
    tests: ['test/transports/osc-packet-framing.test.ts', 'test/transports/osc-packet.test.ts', 'test/transports/osc-encode-cached.test.ts'],
  },
  eq: {
    mutate: ['src/eq/**/*.ts'],
    // fast files first: a mutant runs its covering files in this order and stops at the first that fails, so the
    // fitter's file (the slowest) runs only for mutants the others let through
    tests: ['test/eq/units.test.ts', 'test/eq/bands.test.ts', 'test/eq/grid.test.ts', 'test/eq/response.test.ts', 'test/eq/plot.test.ts', 'test/data/terms.test.ts', 'test/data/normalise.test.ts', 'test/model/param-heads.test.ts', 'test/eq/fit-search.test.ts', 'test/eq/fit.test.ts'],
  },
  // The decoders that run the tfjs model (cached-decoder, fitted-decoder) take minutes per test run: their set is apart.
  morph: {
    mutate: ['src/morph/pair-table.ts', 'src/morph/path-shape.ts', 'src/morph/layout-path.ts', 'src/morph/band-layout.ts', 'src/morph/morph-state.ts'],
    tests: ['test/morph/pair-table.test.ts', 'test/morph/path-shape.test.ts', 'test/morph/path-shape-straight.test.ts', 'test/morph/vocabulary-paths.test.ts', 'test/morph/layout-path.test.ts', 'test/morph/layout-path-model.test.ts', 'test/morph/band-layout.test.ts', 'test/morph/morph-state.test.ts', 'test/pipeline/bindings.test.ts'],
  },
  // The rest of the folder: the table cache and its build queue, the fit pool and its worker, the pad, the grid map, the
  // dense decoder, layout steps and the vocabulary's paths. Too slow for a Stryker run here (xy-patch's file alone takes
  // 25 s): listed and rechecked per file against the files that reach it (scripts/mutate-recheck.mjs --tests).
  'morph-rest': {
    mutate: ['src/morph/build-scheduler.ts', 'src/morph/table-cache.ts', 'src/morph/fit-pool.ts', 'src/morph/fit-worker.ts', 'src/morph/map-grid.ts', 'src/morph/layout-steps.ts', 'src/morph/dense-decoder.ts', 'src/morph/vocabulary-paths.ts', 'src/morph/xy-patch.ts', 'src/morph/pad-grid.ts'],
    tests: ['test/morph/build-scheduler.test.ts', 'test/morph/table-cache.test.ts', 'test/morph/layout-steps.test.ts', 'test/morph/map-grid.test.ts', 'test/morph/dense-decoder.test.ts', 'test/morph/vocabulary-paths.test.ts', 'test/model/shipped-vocabulary.test.ts', 'test/morph/fit-pool.test.ts', 'test/morph/fitted-decoder-pool.test.ts', 'test/morph/fitted-pad.test.ts', 'test/morph/xy-patch-blend.test.ts', 'test/morph/xy-patch.test.ts'],
  },
  'morph-model': {
    mutate: ['src/morph/cached-decoder.ts', 'src/morph/fitted-decoder.ts'],
    tests: ['test/morph/cached-decoder-pool.test.ts', 'test/morph/cached-decoder.test.ts', 'test/morph/fitted-decoder.test.ts'],
  },
};

const name = process.env.MUTATE_SET ?? 'codecs';
const set = SETS[name];
if (!set) throw new Error(`MUTATE_SET must be one of ${Object.keys(SETS).join(', ')}; got ${name}`);

// MUTATE_LIST=1 lists the set's mutants without testing them (a command that always passes, so every mutant
// "survives"), into reports/mutation/<set>/mutants.json, for scripts/mutate-recheck.mjs.
const list = process.env.MUTATE_LIST
  ? { testRunner: 'command', commandRunner: { command: 'true' }, coverageAnalysis: 'off', incremental: false, reporters: ['json'], jsonReporter: { fileName: `reports/mutation/${name}/mutants.json` } }
  : {};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: { testFiles: set.tests, nodeArgs: ['--import', 'tsx', '--import', './test/support/mutation-setup.ts', '-r', '{{hookFile}}', '{{testFile}}'], forceBail: true },
  coverageAnalysis: 'perTest',
  mutate: set.mutate,
  // two shared cores: one mutant at a time unless MUTATE_CONCURRENCY says otherwise
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  // on top of 1.5 x a test file's time without mutants: a mutant that loops is given up on (and counted as killed) soon
  timeoutMS: 15_000,
  ignorePatterns: ['dist', 'reports', 'bench-output', 'test-output', 'scratch', '.stryker-tmp'],
  tempDirName: `.stryker-tmp/${name.replace('/', '-')}`,
  // TypeScript 7 has no JS API for Stryker to rewrite tsconfig with; tsx reads the sandbox's copy as it is
  tsconfigFile: 'no-tsconfig-rewrite.json',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  thresholds: { high: 90, low: 85, break: null },
  cleanTempDir: true,
  // a rerun tests only the mutants whose code or covering tests changed since the last report
  incremental: true,
  incrementalFile: `reports/mutation/${name}/stryker-incremental.json`,
  ...list,
};
