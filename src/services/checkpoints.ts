/**
 * Where a long maintenance run (key rotation, search reindex) stopped, kept in `system_state` under the
 * run's name so that the next run resumes there. A checkpoint that cannot be read is treated as none:
 * the run starts again from the beginning, which is always safe because each run's writes are idempotent.
 */
import { SystemStateModel } from '../models/system-state.js';

export async function readCheckpoint<T>(name: string): Promise<T | undefined> {
  const state = await SystemStateModel.findById(name).lean();
  if (!state?.detail) return undefined;
  try {
    return JSON.parse(state.detail) as T;
  } catch {
    return undefined;
  }
}

export async function writeCheckpoint(name: string, checkpoint: object): Promise<void> {
  await SystemStateModel.updateOne({ _id: name }, { $set: { at: new Date(), detail: JSON.stringify(checkpoint) } }, { upsert: true });
}
