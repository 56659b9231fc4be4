/**
 * Ending a user's sessions (SECURITY.md S5, A6, C6). Raising the user's session epoch makes every
 * existing session fail its check at the next request; the stored sessions are removed as well.
 */
import mongoose, { Types } from 'mongoose';
import { UserModel } from '../../models/user.js';

export const SESSIONS_COLLECTION = 'sessions';

export async function endSessions(userId: Types.ObjectId | string, extra: Record<string, unknown> = {}): Promise<number> {
  const id = new Types.ObjectId(String(userId));
  const updated = await UserModel.findOneAndUpdate({ _id: id }, { $inc: { sessionEpoch: 1 }, ...(Object.keys(extra).length ? { $set: extra } : {}) }, { returnDocument: 'after' }).lean();
  await mongoose.connection.collection(SESSIONS_COLLECTION).deleteMany({ 'session.userId': String(userId) });
  return updated?.sessionEpoch ?? 0;
}
