// Staff forms: the shared contract decides what is acceptable; this names the problem in the
// person's language, beside the field it belongs to.
import { createStaffRequestSchema, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, patchStaffRequestSchema } from '../../../../shared/api/staff';
import type { Role } from '../../../../shared/api/session';
import { isStorableText } from '../../../../shared/text/storable';
import type { Translate } from '../../../lib/i18n/translate';

export type StaffFieldProblems = { username?: string; password?: string };

const characters = (text: string) => [...text].length;

function passwordSentence(password: string, t: Translate): string {
  if (!isStorableText(password)) return t('text.unstorable');
  if (characters(password) < PASSWORD_MIN_CHARS) return t('settings.staff.passwordTooShort', { min: PASSWORD_MIN_CHARS });
  if (characters(password) > PASSWORD_MAX_CHARS) return t('settings.staff.passwordTooLong', { max: PASSWORD_MAX_CHARS });
  return t('settings.staff.passwordHasUsername');
}

/** Problems of a new account, by field; empty when the BFF would accept it. */
export function newStaffProblems(request: { username: string; role: Role; password: string }, t: Translate): StaffFieldProblems {
  const result = createStaffRequestSchema.safeParse(request);
  if (result.success) return {};
  const problems: StaffFieldProblems = {};
  for (const issue of result.error.issues) {
    if (issue.path[0] === 'username') problems.username ??= isStorableText(request.username) ? t('settings.staff.usernameInvalid') : t('text.unstorable');
    if (issue.path[0] === 'password') problems.password ??= passwordSentence(request.password, t);
  }
  return problems;
}

/** The problem of a typed reset password, or null. The username rule applies as on creation. */
export function resetPasswordProblem(username: string, password: string, t: Translate): string | null {
  if (!patchStaffRequestSchema.safeParse({ password }).success) return passwordSentence(password, t);
  return newStaffProblems({ username, role: 'viewer', password }, t).password ?? null;
}
