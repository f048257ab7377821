// The first superuser at start: created once, and outside production a weak FIRST_SUPERUSER_PASSWORD is a warning
// (production refuses to start with it: test/config.test.ts), which never shows the password.
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { UserRepository } from '../../src/repositories/user.js';
import { ensureFirstSuperuser } from '../../src/services/first-superuser.js';
import { buildTestApp } from '../helpers/app.js';
import { captureLogs } from '../helpers/logs.js';
import { randomEmail } from '../helpers/users.js';

const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

/** An app started with this first superuser, and the log lines of its start. */
async function start(email: string, password: string) {
  const logs = captureLogs();
  const overrides = { FIRST_SUPERUSER: email, FIRST_SUPERUSER_PASSWORD: password, LOG_LEVEL: 'info', SECRET_KEY: 'k'.repeat(40) };
  const app = await buildTestApp(overrides, { logStream: logs.stream });
  apps.push(app);
  return { app, logs };
}

const policyWarnings = (lines: Record<string, unknown>[]) =>
  lines.filter((line) => line.level === 40 && /FIRST_SUPERUSER_PASSWORD/.test(String(line.msg))).map((line) => String(line.msg));

describe('ensureFirstSuperuser', () => {
  it.each([
    ['too short', 'Zq7#mK'],
    ['on the common list', 'qwertyuiop'],
    ['containing the e-mail name', 'boss {name} of everything'],
  ])('a password %s: the superuser is created, with a warning that names the policy, not the password', async (_, template) => {
    const email = randomEmail();
    const password = template.replace('{name}', email.split('@')[0]!);
    const { app, logs } = await start(email, password);
    expect((await new UserRepository(app.db, app.hasher).getByEmail(email))?.is_superuser).toBe(true);
    const [warning, ...others] = policyWarnings(logs.lines);
    expect(warning).toMatch(/refused by the password policy/);
    expect(warning).toMatch(/production/);
    expect(others).toEqual([]);
    expect(logs.text()).not.toContain(password);

    // Ensured again with the account in place (another start on the same database): warned again.
    await ensureFirstSuperuser(app.db, app.hasher, app.config, app.log);
    expect(policyWarnings(logs.lines)).toHaveLength(2);
  });

  it('a password the policy accepts: no warning', async () => {
    const { logs } = await start(randomEmail(), 'correct horse battery staple');
    expect(logs.lines.some((line) => line.msg === 'first superuser created')).toBe(true);
    expect(policyWarnings(logs.lines)).toEqual([]);
  });
});
