/** My work from this feature: reviews due, interventions due, plans and reviews waiting for a supervisor's decision. */
import { NOTHING, type WorkSource } from '../home/work-items.js';

export const reviewsDue: WorkSource = async () => NOTHING;
export const interventionsDue: WorkSource = async () => NOTHING;
export const plansAwaitingApproval: WorkSource = async () => NOTHING;
export const reviewsAwaitingApproval: WorkSource = async () => NOTHING;
