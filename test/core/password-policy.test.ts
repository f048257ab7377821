// The password policy: length in code points after NFKC, common passwords, personal words; and NFKC in hashing.
import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/core/password-policy.js';
import { hashPassword, verifyPassword } from '../../src/core/security.js';

const context = { minLength: 8, email: 'mei.lin@example.com', fullName: 'Lin Mei' };
const typeOf = (password: string, extra = {}) => passwordProblem(password, { ...context, ...extra })?.type;

describe('passwordProblem', () => {
  it('accepts long, uncommon, impersonal passwords with no composition rules', () => {
    for (const password of ['correct horse battery staple', 'zzzzzzzzzzzz', '马马虎虎学中文很好', '😀😀😀😀😀😀😀😀']) {
      expect(passwordProblem(password, context)).toBeUndefined();
    }
  });

  it('counts code points, after NFKC, between the minimum and 1024', () => {
    expect(typeOf('short')).toBe('value_error.any_str.min_length');
    expect(typeOf('😀'.repeat(7))).toBe('value_error.any_str.min_length');
    expect(typeOf('x'.repeat(1025))).toBe('value_error.any_str.max_length');
    expect(typeOf('unusual words here', { minLength: 15 })).toBeUndefined();
    expect(typeOf('unusual words', { minLength: 15 })).toBe('value_error.any_str.min_length');
    expect(passwordProblem('short', context)?.msg).toBe('ensure this value has at least 8 characters');
  });

  it('refuses the common-password list, whatever the letter case or width', () => {
    for (const password of ['password', 'PASSWORD', '12345678', 'qwertyuiop', 'ｐａｓｓｗｏｒｄ', 'iloveyou']) {
      expect(typeOf(password)).toBe('value_error.password.common');
    }
  });

  it('refuses passwords containing the e-mail name or the full name', () => {
    expect(typeOf('mei.lin-2024!')).toBe('value_error.password.personal');
    expect(typeOf('my name is LIN MEI ok')).toBe('value_error.password.personal');
    expect(typeOf('linmei forever and ever')).toBe('value_error.password.personal');
    expect(passwordProblem('mei.lin-2024!', context)?.msg).toMatch(/e-mail name or full name/);
    expect(typeOf('a name of two: yu', { fullName: 'Yu', email: 'yu@example.com' })).toBeUndefined(); // too short to matter
  });
});

describe('NFKC in hashing', () => {
  it('verifies the composed and decomposed spellings of one password alike', async () => {
    const composed = 'Crème brûlée au café';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const hash = await hashPassword(decomposed, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect((await verifyPassword(composed, hash)).valid).toBe(true);
    expect((await verifyPassword('Creme brulee au cafe', hash)).valid).toBe(false);
  });
});
