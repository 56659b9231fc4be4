/** The referral form as PDF, from both sides. */
import { Router } from 'express';

export const referralPdfRoutes = Router();
