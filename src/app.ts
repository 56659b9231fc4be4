/**
 * createApp(): the middleware, the routes, the 404 and the error handler. It never listens.
 */
import compression from 'compression';
import express, { type Express } from 'express';
import type { i18n } from 'i18next';
import { handle as i18nHandle } from 'i18next-http-middleware';
import { config } from './config/index.js';
import { buildAssets } from './lib/assets.js';
import { isConnected, ping } from './lib/db/index.js';
import { createI18n, reviewedLocales } from './lib/i18n/index.js';
import { bodyParsers, parseQuery } from './middleware/body.js';
import { databaseGate } from './middleware/database-gate.js';
import { errorHandler } from './middleware/error-handler.js';
import { notFound } from './middleware/not-found.js';
import { pageLocals } from './middleware/page-locals.js';
import { requestId } from './middleware/request-id.js';
import { requestLog } from './middleware/request-log.js';
import { noStore, securityHeaders } from './middleware/security-headers.js';
import { staticAssets } from './middleware/static-assets.js';
import { healthRoutes, pageRoutes } from './routes/index.js';
import { useViews } from './views/engine.js';

export interface AppOptions {
  /** An i18next instance to use instead of the standard one (tests add a pseudo-locale). */
  i18n?: i18n;
  /** Whether the database is connected (tests can force an answer). */
  isConnected?: () => boolean;
}

export async function createApp(options: AppOptions = {}): Promise<Express> {
  const i18next = options.i18n ?? (await createI18n());
  const assets = buildAssets();
  const app = express();

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Query strings are parsed flat (no nested objects) and normalised to NFC like every other input.
  app.set('query parser', parseQuery);
  useViews(app, assets, config.env !== 'development');

  app.use(requestId);
  app.use(requestLog);
  app.use(securityHeaders({ production: config.isProduction }));
  app.use(compression());
  app.use(staticAssets(assets));
  app.use(noStore);
  app.use(healthRoutes(ping));
  app.use(i18nHandle(i18next));
  app.use(pageLocals({ reviewed: reviewedLocales(), secureCookies: config.isProduction }));
  app.use(databaseGate(options.isConnected ?? isConnected));
  app.use(bodyParsers);
  app.use(pageRoutes());
  app.use(notFound);
  app.use(errorHandler(i18next));
  return app;
}
