/** My work from this feature: upcoming hearings. */
import { NOTHING, type WorkSource } from '../home/work-items.js';

export const hearingsDue: WorkSource = async () => NOTHING;
