/**
 * Creating a ready-to-use account without an invitation: the operator's `user:create` (the first
 * administrator of a new installation or organisation) and the demo accounts. The account gets its
 * second factor at once, so the operator can hand over the password and the key together.
 */
import { Invalid } from '../../domain/errors.js';
import { rolesForOrganisation, type Role } from '../../domain/permissions.js';
import { encrypt, randomToken } from '../../lib/crypto.js';
import { newTotpSecret } from '../../lib/totp.js';
import { OrganisationModel } from '../../models/organisation.js';
import { UserModel } from '../../models/user.js';
import { audit } from '../audit/audit.js';
import { normaliseEmail } from '../auth/auth.js';
import { isDuplicateKey } from '../create-if-missing.js';
import { acceptablePasswordHash } from '../auth/password-policy.js';
import { teamByCodeOrName, teamsOf } from './teams.js';

export interface ProvisionInput {
  email: string;
  name: string;
  roles: Role[];
  organisationCode: string;
  /** One of the organisation's active teams, by its code or its name. */
  team?: string | undefined;
  /** Omitted: a one-time password is generated and must be changed at first sign-in. */
  password?: string;
  demo?: boolean;
}

export interface Provisioned {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
  oneTime: boolean;
}

/** A one-time password: 20 characters from an unambiguous alphabet (about 100 bits). */
function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = Buffer.from(randomToken(20), 'base64url');
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export async function provisionUser(input: ProvisionInput): Promise<Provisioned> {
  const email = normaliseEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Invalid({ email: 'common:form.invalid' });
  if (input.roles.length === 0) throw new Invalid({ roles: 'common:form.required' });
  const org = await OrganisationModel.findOne({ code: input.organisationCode }).lean();
  if (!org) throw new Invalid({ org: 'common:form.invalid' });
  const allowed = rolesForOrganisation(org.kind === 'partner' ? 'partner' : 'ngo');
  if (input.roles.some((r) => !allowed.includes(r))) throw new Invalid({ roles: 'admin:users.errors.partnerRole' });
  const team = input.team ? teamByCodeOrName(await teamsOf(org._id), input.team) : undefined;
  if (await UserModel.exists({ email })) throw new Invalid({ email: 'admin:users.errors.emailTaken' });
  const oneTime = input.password === undefined;
  const password = input.password ?? oneTimePassword();
  const passwordHash = await acceptablePasswordHash(password, email, org._id);
  const totpSecret = newTotpSecret();
  // Checked above to spare the password hashing; the unique index decides when two create it at once.
  const user = await UserModel.create({
    email,
    name: input.name,
    organisationId: org._id,
    roles: input.roles,
    team,
    locale: org.preferredLocale,
    status: 'active',
    passwordHash,
    mustChangePassword: oneTime,
    mfa: { secret: encrypt(totpSecret), enrolledAt: new Date(), lastStep: 0, recoveryCodes: [] },
    demo: input.demo ?? false,
  } as Parameters<typeof UserModel.create>[0]).catch((err: unknown) => {
    throw isDuplicateKey(err) ? new Invalid({ email: 'admin:users.errors.emailTaken' }) : err;
  });
  const id = String(user._id);
  await audit({ organisationId: String(org._id) }, { action: 'user_create', outcome: 'success', recordType: 'user', recordId: id });
  return { id, email, password, totpSecret, oneTime };
}
