/** Each user's notifications. */
import { Router } from 'express';

export const notificationRoutes = Router();
