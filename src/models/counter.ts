import { Schema, model } from 'mongoose';

/** Atomic counters, one document per key (`case:<organisation>:<year>`), moved by findOneAndUpdate. */
const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);

export const CounterModel = model('Counter', counterSchema, 'counters');
