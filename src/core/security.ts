// Password hashing: Argon2id through @node-rs/argon2 (async: it runs on libuv's thread pool, never on the event
// loop), PHC strings in the database. bcrypt is only verified, for hashes carried over from the original system.
import { hash, verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

export interface Argon2Params {
  memoryCost: number; // KiB
  timeCost: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet floor for Argon2id: 19 MiB, 2 iterations, 1 lane. */
export const OWASP_ARGON2: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MAX_LENGTH = 1024;

/** `Algorithm.Argon2id`: the package exports it as a const enum, which isolated modules cannot read. */
const ARGON2ID = 2;

export interface VerifyResult {
  valid: boolean;
  /** The hash is a legacy bcrypt one, or Argon2 with weaker parameters: store a fresh hash after this login. */
  needsRehash: boolean;
}

const BCRYPT_PREFIX = /^\$2[aby]\$\d\d\$/;

/** NFKC: the same password typed on another keyboard or OS (composed/decomposed, full-width) hashes alike. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Length in Unicode code points (what a user counts), not UTF-16 units or bytes. */
export function passwordLength(password: string): number {
  let count = 0;
  for (const _ of password) count += 1;
  return count;
}

export async function hashPassword(password: string, params: Argon2Params = OWASP_ARGON2): Promise<string> {
  return hash(normalizePassword(password), { algorithm: ARGON2ID, ...params });
}

function weakerThan(phc: string, params: Argon2Params): boolean {
  const match = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
  if (!match) return true;
  const [, m, t, p] = match.map(Number);
  return m! < params.memoryCost || t! < params.timeCost || p! < params.parallelism;
}

export async function verifyPassword(
  password: string,
  storedHash: string,
  params: Argon2Params = OWASP_ARGON2,
): Promise<VerifyResult> {
  if (BCRYPT_PREFIX.test(storedHash)) {
    // The original system hashed the raw input (bcrypt reads its first 72 bytes): verify exactly that, unnormalised.
    const valid = await bcrypt.compare(password, storedHash);
    return { valid, needsRehash: valid };
  }
  if (!storedHash.startsWith('$argon2')) return { valid: false, needsRehash: false };
  try {
    const valid = await verify(storedHash, normalizePassword(password));
    return { valid, needsRehash: valid && weakerThan(storedHash, params) };
  } catch {
    return { valid: false, needsRehash: false }; // a malformed stored hash never verifies
  }
}
