/** `demo:totp`: the current code of a demo account, so a newcomer can sign in without a phone. */
import { decrypt } from '../../lib/crypto.js';
import { currentTotp } from '../../lib/totp.js';
import { UserModel } from '../../models/user.js';
import { normaliseEmail } from '../auth/auth.js';

export async function demoTotp(email: string): Promise<string | undefined> {
  const user = await UserModel.findOne({ email: normaliseEmail(email), demo: true }).lean();
  if (!user?.mfa?.secret) return undefined;
  return currentTotp(decrypt(user.mfa.secret));
}
