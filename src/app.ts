/**
 * createApp(): the middleware, the routes, the 404 and the error handler. It never listens.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { type Express } from 'express';
import { engine } from 'express-handlebars';
import type { i18n } from 'i18next';
import { handle as i18nHandle } from 'i18next-http-middleware';
import { config } from './config/index.js';
import { LOCALES } from './domain/locales.js';
import { buildAssets } from './lib/assets.js';
import { isConnected, ping } from './lib/db/index.js';
import { createI18n } from './lib/i18n/index.js';
import { LOCALES_DIR, VIEWS_DIR } from './lib/paths.js';
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
import { helpers } from './views/helpers/index.js';

export interface AppOptions {
  /** An i18next instance to use instead of the standard one (tests add a pseudo-locale). */
  i18n?: i18n;
  /** Whether the database is connected (tests can force an answer). */
  isConnected?: () => boolean;
}

function reviewedLocales(): Set<string> {
  const reviewed = new Set<string>();
  for (const lng of LOCALES) {
    const meta = JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, '_meta.json'), 'utf8')) as { nativeReview?: boolean };
    if (meta.nativeReview === true) reviewed.add(lng);
  }
  return reviewed;
}

export async function createApp(options: AppOptions = {}): Promise<Express> {
  const i18next = options.i18n ?? (await createI18n());
  const assets = buildAssets();
  const app = express();

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Query strings are parsed flat (no nested objects) and normalised to NFC like every other input.
  app.set('query parser', parseQuery);
  app.engine('hbs', engine({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(VIEWS_DIR, 'layouts'),
    partialsDir: path.join(VIEWS_DIR, 'partials'),
    helpers: helpers(assets),
  }));
  app.set('view engine', 'hbs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', config.env !== 'development');

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
