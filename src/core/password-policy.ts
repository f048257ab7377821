// What a new password must be (NIST SP 800-63B-4 §3.1.1.2, OWASP ASVS 5.0 V6.2): 8 (PASSWORD_MIN_LENGTH; NIST
// asks 15 when the password is the only factor) to 1024 characters counted in code points after NFKC
// normalisation, not one of ~49 000 common passwords (@zxcvbn-ts/language-common), and not containing the
// account's e-mail name or full name. No composition rules. Checked before any hashing.
import { dictionary } from '@zxcvbn-ts/language-common';
import { RequestValidationError, type ValidationIssue } from './errors.js';
import { normalizePassword, PASSWORD_MAX_LENGTH, passwordLength } from './security.js';

const COMMON_PASSWORDS = new Set((dictionary['passwords-common'] as string[]).map((word) => word.toLowerCase()));

export interface PasswordContext {
  minLength: number;
  email?: string | undefined;
  fullName?: string | null | undefined;
}

/** Parts of the account a password must not contain: the e-mail's local part and the full name (3+ characters). */
function personalWords({ email, fullName }: PasswordContext): string[] {
  const words = [email?.slice(0, Math.max(0, email.lastIndexOf('@'))), fullName, fullName?.replace(/\s+/g, '')];
  return words.map((word) => normalizePassword(word ?? '').trim().toLowerCase()).filter((word) => passwordLength(word) >= 3);
}

/** Why `password` is refused, in FastAPI's { msg, type }, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext): Omit<ValidationIssue, 'loc'> | undefined {
  if (passwordLength(password) > PASSWORD_MAX_LENGTH) {
    return { msg: `ensure this value has at most ${PASSWORD_MAX_LENGTH} characters`, type: 'value_error.any_str.max_length' };
  }
  const normalized = normalizePassword(password);
  if (passwordLength(normalized) < context.minLength) {
    return { msg: `ensure this value has at least ${context.minLength} characters`, type: 'value_error.any_str.min_length' };
  }
  const lower = normalized.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) {
    return { msg: 'this password is too common: choose a less guessable one', type: 'value_error.password.common' };
  }
  if (personalWords(context).some((word) => lower.includes(word))) {
    return { msg: 'the password must not contain your e-mail name or full name', type: 'value_error.password.personal' };
  }
  return undefined;
}

/** Throws the 422 for `field` when the password is refused. */
export function assertPasswordPolicy(password: string, context: PasswordContext, field = 'password'): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new RequestValidationError([{ loc: ['body', field], ...problem }]);
}
