// The suite as a mutation run sees it (stryker.config.mjs). Left out: the process-level fault tests (they start
// servers and stop databases: far too slow to repeat per mutant), the fuzz run, and the enumeration test, which
// compares response timings that a mutant's instrumentation would skew.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const NOT_IN_MUTATION_RUNS = ['test/faults/**', 'test/fuzz/**', 'test/security/enumeration.test.ts'];

/** Tests of one module, which boot no app: a few milliseconds each. */
const UNIT = /\/test\/(core|services|repositories)\//;

/**
 * Runs the unit-level files first. Stryker stops a mutant's run at its first failing test, and these are the
 * cheapest to fail; left alone, Vitest would start with the slowest files.
 */
class UnitTestsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((file) => UNIT.test(file.moduleId)), ...sorted.filter((file) => !UNIT.test(file.moduleId))];
  }
}

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    sequence: { sequencer: UnitTestsFirst },
    // One more try for a test that fails: a mutant's failure repeats, while a test that only loses a race on a
    // loaded machine (a Redis connection ready after 2 s, say) would otherwise stop the run or kill a mutant.
    retry: 1,
    projects: base.test?.projects?.map((project) =>
      typeof project === 'object' && 'test' in project
        ? { ...project, test: { ...project.test, exclude: [...(project.test?.exclude ?? []), ...NOT_IN_MUTATION_RUNS] } }
        : project,
    ),
  },
});
