import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Small facts about this deployment, one document per key (for example when demo data was seeded),
 * so that a one-time step stays one-time across restarts.
 */
const systemStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    detail: { type: String, maxlength: 500 },
  },
  { versionKey: false },
);

export type SystemState = InferSchemaType<typeof systemStateSchema>;
export const SystemStateModel = model('SystemState', systemStateSchema, 'system_state');
