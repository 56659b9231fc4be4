/**
 * Password rules (SECURITY.md A2, NIST 800-63B): length 12 to 128 characters of any script, not on the
 * common-password list, not containing the user's email (or its local part) or organisation name. No
 * composition rules.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'containsEmail' | 'containsOrganisation';

export interface PasswordContext {
  email?: string | undefined;
  organisationNames?: readonly string[];
  isCommon: (lowercased: string) => boolean;
}

/** Length counts characters as people see them (grapheme clusters), so Thai or Khmer are not penalised. */
export function passwordLength(password: string): number {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let n = 0;
  for (const _ of segmenter.segment(password)) n += 1;
  return n;
}

export function passwordProblem(password: string, context: PasswordContext): PasswordProblem | undefined {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN) return 'tooShort';
  if (length > PASSWORD_MAX || password.length > PASSWORD_MAX * 4) return 'tooLong';
  const lower = password.normalize('NFC').toLocaleLowerCase('en');
  if (context.isCommon(lower)) return 'common';
  const email = context.email?.toLocaleLowerCase('en');
  if (email) {
    const local = email.split('@')[0] ?? '';
    if (lower.includes(email) || (local.length >= 4 && lower.includes(local))) return 'containsEmail';
  }
  for (const name of context.organisationNames ?? []) {
    const compact = name.toLocaleLowerCase('en').replace(/\s+/g, '');
    if (compact.length >= 4 && lower.replace(/\s+/g, '').includes(compact)) return 'containsOrganisation';
  }
  return undefined;
}
