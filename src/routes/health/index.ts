import { Router } from 'express';
import { permit } from '../../middleware/permit.js';

/** V1: liveness and readiness, saying nothing about the system beyond up or down. */
export function healthRoutes(ping: (timeoutMs: number) => Promise<boolean>): Router {
  const router = Router();
  router.get('/healthz', permit('public'), (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });
  router.get('/readyz', permit('public'), async (_req, res) => {
    const ready = await ping(2000);
    res.setHeader('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });
  return router;
}
