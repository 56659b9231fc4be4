/** Referrals from the sending side, under /cases/:id/referrals and /referrals/:id. */
import { Router } from 'express';

export const referralRoutes = Router();
