/** My work from this feature: tasks assigned to the caller. */
import { NOTHING, type WorkSource } from '../home/work-items.js';

export const tasksDue: WorkSource = async () => NOTHING;
