// The canonical form of an address: the one comparison every lookup and the login guard's key rely on.
import { describe, expect, it } from 'vitest';
import { canonicalEmail, sameEmail } from '../../src/core/email.js';

describe('canonicalEmail', () => {
  it('lower-cases the whole address, local part included', () => {
    expect(canonicalEmail('Jane.Doe@Example.COM')).toBe('jane.doe@example.com');
  });

  it('trims surrounding white space', () => {
    expect(canonicalEmail(' \tjane@example.com \n')).toBe('jane@example.com');
  });

  it('folds compatibility forms (NFKC): full-width letters and ligatures', () => {
    expect(canonicalEmail('ＪＡＮＥ@ｅｘａｍｐｌｅ.com')).toBe('jane@example.com');
    expect(canonicalEmail('ﬁnn@example.com')).toBe('finn@example.com');
  });

  it('keeps an already canonical address as it is', () => {
    expect(canonicalEmail('jane@example.com')).toBe('jane@example.com');
  });
});

describe('sameEmail', () => {
  it('is true for spellings of one address', () => {
    expect(sameEmail('Jane@Example.com', ' jane@example.COM ')).toBe(true);
    expect(sameEmail('ＪＡＮＥ@example.com', 'jane@example.com')).toBe(true);
  });

  it('is false for different addresses', () => {
    expect(sameEmail('jane@example.com', 'john@example.com')).toBe(false);
    expect(sameEmail('jane@example.com', 'jane@example.org')).toBe(false);
  });
});
