/** My work from this feature: follow-up visits due, closures waiting for a supervisor's decision. */
import { NOTHING, type WorkSource } from '../home/work-items.js';

export const followUpsDue: WorkSource = async () => NOTHING;
export const closuresAwaitingApproval: WorkSource = async () => NOTHING;
