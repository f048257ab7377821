// Real Argon2id hashing and legacy bcrypt verification (no mocks here).
import { hash as argon2Hash } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { hashPassword, normalizePassword, OWASP_ARGON2, passwordLength, verifyPassword } from '../../src/core/security.js';

/** Small parameters: the rehash tests hash a dozen times. */
const SMALL = { memoryCost: 4096, timeCost: 2, parallelism: 2 };

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

  it('asks for a rehash when any one stored parameter is weaker than the configured ones, and only then', async () => {
    const stored = await hashPassword('pw-12345', SMALL);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=4096,t=2,p=2\$/);
    const cases: [Partial<typeof SMALL>, boolean][] = [
      [{}, false],
      [{ memoryCost: 4097 }, true],
      [{ timeCost: 3 }, true],
      [{ parallelism: 3 }, true],
      [{ memoryCost: 1024, timeCost: 1, parallelism: 1 }, false], // a stronger stored hash is kept
      [{ memoryCost: 1024, timeCost: 3 }, true], // stronger in memory, weaker in time: still rehashed
    ];
    for (const [change, needsRehash] of cases) {
      expect(await verifyPassword('pw-12345', stored, { ...SMALL, ...change }), JSON.stringify(change)).toEqual({ valid: true, needsRehash });
    }
    // Parameters of two digits are read whole.
    const large = { memoryCost: 4096, timeCost: 10, parallelism: 12 };
    const strong = await hashPassword('pw-12345', large);
    expect(strong).toContain('m=4096,t=10,p=12');
    expect(await verifyPassword('pw-12345', strong, large)).toEqual({ valid: true, needsRehash: false });
    // A wrong password never asks for a rehash, however weak the stored hash.
    expect(await verifyPassword('pw-12346', stored, { ...SMALL, memoryCost: 65_536 })).toEqual({ valid: false, needsRehash: false });
  });

  it('asks for a rehash of a valid Argon2i or Argon2d hash: only Argon2id is stored', async () => {
    for (const algorithm of [0, 1]) {
      const stored = await argon2Hash('pw-12345', { ...SMALL, algorithm });
      expect(stored).toMatch(algorithm === 0 ? /^\$argon2d\$/ : /^\$argon2i\$/);
      expect(await verifyPassword('pw-12345', stored, SMALL)).toEqual({ valid: true, needsRehash: true });
    }
  });

  it.each(['2a', '2b', '2y'])('verifies legacy $%s$ bcrypt hashes and asks for a rehash', async (variant) => {
    const hash = (await bcrypt.hash('legacy secret', 4)).replace(/^\$2[aby]\$/, `$${variant}$`);
    expect(await verifyPassword('legacy secret', hash)).toEqual({ valid: true, needsRehash: true });
    expect(await verifyPassword('legacy secrex', hash)).toEqual({ valid: false, needsRehash: false });
  });

  it('never verifies against a malformed or unknown stored hash', async () => {
    for (const stored of ['', 'plaintext', '$argon2id$garbage', '$1$md5$hash', '$2a$10$short', '$2x$04$' + 'a'.repeat(53)]) {
      expect(await verifyPassword('anything', stored)).toEqual({ valid: false, needsRehash: false });
    }
  });

  it('verifies bcrypt hashes against the raw input, Argon2 ones against its NFKC form', async () => {
    const fullWidth = 'ｐａｓｓ１２３';
    const legacy = await bcrypt.hash(fullWidth, 4);
    expect((await verifyPassword(fullWidth, legacy)).valid).toBe(true);
    expect((await verifyPassword('pass123', legacy)).valid).toBe(false); // the original system did not normalise
    const current = await hashPassword(fullWidth, SMALL);
    expect((await verifyPassword('pass123', current, SMALL)).valid).toBe(true);
  });
});

describe('password length and normalisation', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(passwordLength('')).toBe(0);
    expect(passwordLength('😀😀')).toBe(2);
    expect(passwordLength('a😀b')).toBe(3);
  });

  it('normalises to NFKC: composed accents, full-width and ligature forms', () => {
    expect(normalizePassword('e\u0301')).toBe('\u00e9');
    expect(normalizePassword('ｐａｓｓ１２３')).toBe('pass123');
    expect(normalizePassword('ﬁne')).toBe('fine');
  });
});
