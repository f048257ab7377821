// Mutation testing (`npm run mutate`): StrykerJS changes src/core, src/services and src/repositories one small
// fault at a time and runs the tests that cover each change; a change no test notices is a gap in the tests.
// Not part of CI: a first full run takes an hour or more on 2 cores (src/core alone about 20 minutes). Incremental: a later run re-tests only
// the mutants whose code or covering tests changed (reports/stryker-incremental.json; `--force` re-tests all).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: ['src/core/**/*.ts', 'src/services/**/*.ts', 'src/repositories/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Static mutants change code that runs only while modules load (module-level constants, the Ajv instances):
  // each needs a fresh module graph and the whole suite, about a minute apiece, hours in all here. They are
  // reported as Ignored and left out of the score; mutants that tests reach are run against those tests.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The machine has 2 cores, and the tests themselves run Argon2 on libuv's pool.
  concurrency: 2,
  // A busy machine slows a test run without any mutant at fault, and the time the covering tests took in the
  // initial run leaves out their files' setup (booting an app, restoring a database): allow for both before
  // calling a mutant a timeout. Mutants that really hang (a task that never gets its slot) still end as timeouts.
  // At 20 s, survivors whose covering tests span many files were reported as timeouts (which count as detected).
  timeoutMS: 60_000,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
