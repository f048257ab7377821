// Strings PostgreSQL cannot store faithfully (NUL, lone surrogates) are found anywhere in a parsed request.
import { describe, expect, it } from 'vitest';
import { findIllFormedString } from '../../src/core/well-formed.js';

const issue = (loc: (string | number)[]) => ({ loc, msg: 'string contains a NUL character or invalid Unicode', type: 'value_error.str.invalid' });

describe('findIllFormedString', () => {
  it('passes well-formed strings, surrogate pairs and non-strings', () => {
    for (const value of ['', 'plain', '中文 😀', 'tab\tand newline\n', 0, 1.5, true, null, undefined, [], {}]) {
      expect(findIllFormedString(value, ['body'])).toBeUndefined();
    }
  });

  it('finds NUL and lone high or low surrogates', () => {
    for (const value of ['a\u0000b', '\u0000', 'x\uD83D', '\uDE00y', 'a\uDE00\uD83Db']) {
      expect(findIllFormedString(value, ['query', 'q'])).toEqual(issue(['query', 'q']));
    }
  });

  it('locates the string inside objects and arrays, array items by number', () => {
    expect(findIllFormedString({ a: 'ok', b: { c: ['fine', 'bad\u0000'] } }, ['body'])).toEqual(issue(['body', 'b', 'c', 1]));
    expect(findIllFormedString([{ name: '\uD800' }], ['body'])).toEqual(issue(['body', 0, 'name']));
  });

  it('checks keys as well as values', () => {
    expect(findIllFormedString({ 'key\u0000': 'value' }, ['body'])).toEqual(issue(['body', 'key\u0000']));
  });

  it('reports the first offender only', () => {
    expect(findIllFormedString({ first: '\u0000', second: '\uD800' }, ['body'])).toEqual(issue(['body', 'first']));
  });

  it('stops looking below 64 levels of nesting (the parser refuses deeper bodies anyway)', () => {
    const nest = (levels: number, inner: unknown): unknown => (levels === 0 ? inner : { n: nest(levels - 1, inner) });
    const path = (levels: number) => Array.from({ length: levels }, () => 'n');
    // The string 65 levels down is still checked; one at 66 is not.
    expect(findIllFormedString(nest(65, '\u0000'), ['body'])).toEqual(issue(['body', ...path(65)]));
    expect(findIllFormedString(nest(66, '\u0000'), ['body'])).toBeUndefined();
  });
});
