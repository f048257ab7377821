// The suite as a mutation run sees it (stryker.config.mjs). Left out: the process-level fault tests (they start
// servers and stop databases: far too slow to repeat per mutant), the fuzz run, and the enumeration test, which
// compares response timings that a mutant's instrumentation would skew.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const NOT_IN_MUTATION_RUNS = ['test/faults/**', 'test/fuzz/**', 'test/security/enumeration.test.ts'];

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    projects: base.test?.projects?.map((project) =>
      typeof project === 'object' && 'test' in project
        ? { ...project, test: { ...project.test, exclude: [...(project.test?.exclude ?? []), ...NOT_IN_MUTATION_RUNS] } }
        : project,
    ),
  },
});
