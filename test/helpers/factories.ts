/**
 * Factories for organisations and users, as the database holds them after a normal enrolment: an
 * active account with a password and a second factor whose key the test knows.
 */
import { Types } from 'mongoose';
import type { Role } from '../../src/domain/permissions.js';
import { encrypt } from '../../src/lib/crypto.js';
import { hashPassword } from '../../src/lib/passwords.js';
import { newTotpSecret } from '../../src/lib/totp.js';
import { OrganisationModel } from '../../src/models/organisation.js';
import { UserModel } from '../../src/models/user.js';
import { plant } from './secrets.js';

let n = 0;

export async function buildOrganisation(overrides: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
  n += 1;
  const org = await OrganisationModel.create({
    code: `ZZ-TEST-${n}`,
    kind: 'ngo',
    country: 'PH',
    name: { en: `Test Organisation ${n} (fictional)` },
    preferredLocale: 'en',
    ...overrides,
  });
  return { id: String(org._id), code: org.code };
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
  organisationId: string;
  roles: Role[];
}

/** A hash of the shared test password, computed once (argon2 is slow on purpose). */
let sharedHash: Promise<string> | undefined;
export const TEST_PASSWORD = plant('Correct horse battery staple 7');

export async function buildUser(options: { roles: Role[]; organisationId?: string; team?: string; locale?: string; status?: string; mfa?: boolean; email?: string }): Promise<TestUser> {
  n += 1;
  const organisationId = options.organisationId ?? (await buildOrganisation()).id;
  const totpSecret = plant(newTotpSecret());
  sharedHash ??= hashPassword(TEST_PASSWORD);
  const email = options.email ?? `user${n}.${options.roles.join('-') || 'none'}@test.haven.example`;
  const user = await UserModel.create({
    email,
    name: `Test User ${n} (fictional)`,
    organisationId: new Types.ObjectId(organisationId),
    roles: options.roles,
    team: options.team,
    locale: options.locale ?? 'en',
    status: options.status ?? 'active',
    passwordHash: await sharedHash,
    mfa: options.mfa === false ? {} : { secret: encrypt(totpSecret), enrolledAt: new Date(), lastStep: 0, recoveryCodes: [] },
  } as Parameters<typeof UserModel.create>[0]);
  return { id: String(user._id), email, password: TEST_PASSWORD, totpSecret, organisationId, roles: options.roles };
}
