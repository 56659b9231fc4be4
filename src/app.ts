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
import { csrfLocals, csrfProtection } from './middleware/csrf.js';
import { uploadParser } from './middleware/upload.js';
import { currentUser } from './middleware/current-user.js';
import { databaseGate } from './middleware/database-gate.js';
import { errorHandler } from './middleware/error-handler.js';
import { notFound } from './middleware/not-found.js';
import { pageLocals } from './middleware/page-locals.js';
import { IP_LIMIT_DEFAULTS, ipLimit, type IpLimitOptions } from './middleware/rate-limit.js';
import { requestId } from './middleware/request-id.js';
import { requestLog } from './middleware/request-log.js';
import { noStore, securityHeaders } from './middleware/security-headers.js';
import { sessionCookieName, sessions } from './middleware/session.js';
import { staticAssets } from './middleware/static-assets.js';
import { userLocals } from './middleware/user-locals.js';
import { healthRoutes, pageRoutes } from './routes/index.js';
import { useViews } from './views/engine.js';

export interface AppOptions {
  /** An i18next instance to use instead of the standard one (tests add a pseudo-locale). */
  i18n?: i18n;
  /** Whether the database is connected (tests can force an answer). */
  isConnected?: () => boolean;
  /** The per-address limit on sign-in forms (tests use a small one). */
  ipLimit?: IpLimitOptions;
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
  const reviewed = reviewedLocales();
  app.use(pageLocals({ reviewed, secureCookies: config.isProduction }));
  app.use(databaseGate(options.isConnected ?? isConnected));
  // Sessions, then the user (whose profile language replaces the detected one), then the form body
  // and its CSRF token, then the routes, each naming its permission (ARCHITECTURE.md "A request").
  app.set('session cookie', sessionCookieName(config.isProduction));
  app.use(sessions({ secret: config.sessionSecret, secure: config.isProduction }));
  app.use(currentUser);
  app.use(bodyParsers);
  app.use(uploadParser);
  app.use(csrfProtection);
  app.use(csrfLocals);
  app.use(userLocals({ reviewed }));
  app.use(pageRoutes({ limit: ipLimit(options.ipLimit ?? IP_LIMIT_DEFAULTS) }));
  app.use(notFound);
  app.use(errorHandler(i18next));
  return app;
}
