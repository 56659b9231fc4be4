/** Applies the password rules (SECURITY.md A2) with what they need to know: the email and organisation. */
import type { Types } from 'mongoose';
import { Invalid } from '../../domain/errors.js';
import { passwordProblem } from '../../domain/passwords.js';
import { hashPassword, isCommonPassword } from '../../lib/passwords.js';
import { OrganisationModel } from '../../models/organisation.js';

export async function acceptablePasswordHash(password: string, email: string, organisationId: Types.ObjectId | string, field = 'password'): Promise<string> {
  const org = await OrganisationModel.findById(organisationId, { name: 1, code: 1 }).lean();
  const names = org ? [org.code, ...Object.values(org.name ?? {}).filter((n): n is string => typeof n === 'string')] : [];
  const problem = passwordProblem(password, { email, organisationNames: names, isCommon: isCommonPassword });
  if (problem) throw new Invalid({ [field]: `auth:password.errors.${problem}` });
  return hashPassword(password);
}
