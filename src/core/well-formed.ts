// PostgreSQL text cannot hold U+0000, and a lone UTF-16 surrogate is not a character at all (PGlite refuses it,
// Postgres would store U+FFFD instead). Such strings are refused as input, with a 422, before they reach a query.
import type { ValidationIssue } from './errors.js';

const MAX_DEPTH = 64;

/** The first string in `value` (a parsed body, query or params) that Postgres could not store faithfully. */
export function findIllFormedString(value: unknown, loc: (string | number)[], depth = 0): ValidationIssue | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !value.isWellFormed()) {
      return { loc, msg: 'string contains a NUL character or invalid Unicode', type: 'value_error.str.invalid' };
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const issue =
      findIllFormedString(key, [...loc, key], depth + 1) ?? findIllFormedString(item, [...loc, Array.isArray(value) ? Number(key) : key], depth + 1);
    if (issue) return issue;
  }
  return undefined;
}
