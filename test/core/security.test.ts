// Real Argon2id hashing and legacy bcrypt verification (no mocks here).
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { hashPassword, OWASP_ARGON2, passwordLength, verifyPassword } from '../../src/core/security.js';

describe('hashPassword / verifyPassword', () => {
  it('stores an Argon2id PHC string with the OWASP parameters by default', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('correct horse', hash)).toEqual({ valid: true, needsRehash: false });
    expect(await verifyPassword('wrong horse', hash)).toEqual({ valid: false, needsRehash: false });
  });

  it('uses configured parameters and asks for a rehash of weaker hashes', async () => {
    const weak = await hashPassword('pw-12345', { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(weak).toContain('m=4096,t=1,p=1');
    expect(await verifyPassword('pw-12345', weak, OWASP_ARGON2)).toEqual({ valid: true, needsRehash: true });
  });

  it.each(['2a', '2b', '2y'])('verifies legacy $%s$ bcrypt hashes and asks for a rehash', async (variant) => {
    const hash = (await bcrypt.hash('legacy secret', 4)).replace(/^\$2[aby]\$/, `$${variant}$`);
    expect(await verifyPassword('legacy secret', hash)).toEqual({ valid: true, needsRehash: true });
    expect(await verifyPassword('legacy secrex', hash)).toEqual({ valid: false, needsRehash: false });
  });

  it('never verifies against a malformed or unknown stored hash', async () => {
    for (const stored of ['', 'plaintext', '$argon2id$garbage', '$1$md5$hash']) {
      expect((await verifyPassword('anything', stored)).valid).toBe(false);
    }
  });
});

describe('password length', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(passwordLength('😀😀')).toBe(2);
    expect(passwordLength('a😀b')).toBe(3);
  });
});
