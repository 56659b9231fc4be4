/** The message thread and translations of a referral, from both sides. */
import { Router } from 'express';

export const referralMessageRoutes = Router();
