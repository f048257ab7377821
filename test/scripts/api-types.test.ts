// scripts/api-types.ts as CI runs it: the committed client types match the routes (api:check), and the document
// passes `redocly lint --extends recommended` with no errors (api:lint).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function run(command: 'check' | 'lint') {
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return spawnSync(process.execPath, [tsx, join(ROOT, 'scripts', 'api-types.ts'), command], { cwd: ROOT, encoding: 'utf8' });
}

describe('api-types', () => {
  it('check: web/src/lib/api-schema.d.ts is what the routes generate', { timeout: 120_000 }, () => {
    const result = run('check');
    expect(result.stderr + result.stdout).toContain('api:check: web/src/lib/api-schema.d.ts is up to date');
    expect(result.status).toBe(0);
  });

  it('lint: redocly finds no errors in the document', { timeout: 120_000 }, () => {
    const result = run('lint');
    expect(result.stdout).toMatch(/api:lint: 0 errors, \d+ warnings?/);
    expect(result.status).toBe(0);
  });
});
