// The password policy: length in code points after NFKC, common passwords, personal words; and NFKC in hashing.
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/core/errors.js';
import { assertPasswordPolicy, passwordProblem } from '../../src/core/password-policy.js';
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
    expect(passwordProblem('x'.repeat(1025), context)?.msg).toBe('ensure this value has at most 1024 characters');
  });

  it('accepts exactly the minimum and exactly 1024 code points', () => {
    expect(typeOf('quokkas!')).toBeUndefined(); // 8
    expect(typeOf('quokkas', { minLength: 7 })).toBeUndefined();
    expect(typeOf('quokka!')).toBe('value_error.any_str.min_length'); // 7
    expect(typeOf('q'.repeat(1024))).toBeUndefined();
    expect(typeOf('😀'.repeat(1024))).toBeUndefined(); // 2048 UTF-16 units, 1024 characters
    expect(typeOf('😀'.repeat(1025))).toBe('value_error.any_str.max_length');
  });

  it('checks the length after NFKC: a ligature counts as the letters it stands for', () => {
    // 'ﬃ' is one code point that NFKC turns into three: 6 before normalisation, 8 after.
    expect(typeOf('ﬃquokk')).toBeUndefined();
    expect(typeOf('ﬃquokk', { minLength: 9 })).toBe('value_error.any_str.min_length');
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
    expect(passwordProblem('mei.lin-2024!', context)?.msg).toBe('the password must not contain your e-mail name or full name');
    expect(passwordProblem('password', context)?.msg).toBe('this password is too common: choose a less guessable one');
    expect(typeOf('a name of two: yu', { fullName: 'Yu', email: 'yu@example.com' })).toBeUndefined(); // too short to matter
    expect(typeOf('i am ann from paris', { fullName: 'Ann', email: 'x@example.com' })).toBe('value_error.password.personal'); // 3 is enough
    expect(typeOf('hello bob, it is me', { fullName: null, email: 'bob@example.com' })).toBe('value_error.password.personal');
  });

  it('takes the whole local part of the e-mail, up to its last @, and nothing of the domain', () => {
    const quoted = { minLength: 8, email: '"odd@name"@example.com' };
    expect(typeOf('my "odd@name" password', quoted)).toBe('value_error.password.personal');
    expect(typeOf('quokka example.com fan', { minLength: 8, email: 'zed@example.com' })).toBeUndefined();
    expect(typeOf('quokkas zed mania', { minLength: 8, email: 'no-at-sign' })).toBeUndefined();
  });

  it('compares personal words trimmed, lower-cased and NFKC-normalised', () => {
    expect(typeOf('hi, my name is Mei', { minLength: 8, fullName: '  Mei  ' })).toBe('value_error.password.personal');
    expect(typeOf('a secret for zoë only', { minLength: 8, fullName: 'Zoe\u0308' })).toBe('value_error.password.personal');
    expect(typeOf('CALL ME FRED PLEASE', { minLength: 8, fullName: 'fred' })).toBe('value_error.password.personal');
    expect(typeOf('i am mei lin, hello', { minLength: 8, fullName: '  Mei Lin  ' })).toBe('value_error.password.personal');
    expect(typeOf('bobsleigh all winter', { minLength: 8, email: ' bob@example.com' })).toBe('value_error.password.personal');
  });

  it('needs neither an e-mail nor a full name', () => {
    expect(passwordProblem('no name, no e-mail here', { minLength: 8 })).toBeUndefined();
    expect(passwordProblem('no name, no e-mail here', { minLength: 8, email: undefined, fullName: null })).toBeUndefined();
    expect(passwordProblem('hello bob, it is me', { minLength: 8, email: 'bob@example.com' })?.type).toBe('value_error.password.personal');
    expect(passwordProblem('i am mei lin, hello', { minLength: 8, fullName: 'Mei Lin' })?.type).toBe('value_error.password.personal');
  });
});

describe('assertPasswordPolicy', () => {
  it('throws the 422 for the field named, `password` unless told otherwise', () => {
    const caught = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const error = caught(() => assertPasswordPolicy('short', context));
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues).toEqual([
      { loc: ['body', 'password'], msg: 'ensure this value has at least 8 characters', type: 'value_error.any_str.min_length' },
    ]);
    const named = caught(() => assertPasswordPolicy('password', context, 'new_password')) as RequestValidationError;
    expect(named.issues).toEqual([{ loc: ['body', 'new_password'], msg: expect.any(String), type: 'value_error.password.common' }]);
    expect(() => assertPasswordPolicy('correct horse battery staple', context)).not.toThrow();
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
