/** The partner portal: the referrals addressed to the reader's organisation. */
import { Router } from 'express';

export const partnerRoutes = Router();
