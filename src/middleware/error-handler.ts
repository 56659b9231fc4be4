import type { ErrorRequestHandler } from 'express';
import type { i18n } from 'i18next';
import { Conflict, DomainError, Forbidden, Invalid, NotFound, TooManyAttempts, Unavailable } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../lib/db/index.js';
import { logger } from '../lib/logger.js';

const PAGES: Record<number, string> = {
  400: 'common:errors.badRequest',
  403: 'common:errors.forbidden',
  404: 'common:errors.notFound',
  409: 'common:errors.conflict',
  413: 'common:errors.tooLarge',
  422: 'common:errors.invalid',
  429: 'common:errors.tooMany',
  500: 'common:errors.server',
  503: 'common:errors.unavailable',
};

const STATUS_OF = new Map<abstract new (...args: never[]) => DomainError, number>([
  [NotFound, 404],
  [Forbidden, 403],
  [Conflict, 409],
  [Invalid, 422],
  [TooManyAttempts, 429],
  [Unavailable, 503],
]);

function statusOf(err: unknown): number {
  if (err instanceof DomainError) {
    for (const [cls, status] of STATUS_OF) if (err instanceof cls) return status;
  }
  if (isDatabaseUnavailable(err)) return 503;
  // Errors from body parsing and other http-errors carry a client status.
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return PAGES[status] ? status : 400;
  return 500;
}

/**
 * The one error path (O5): a translated page (or JSON for API clients) with the request id, never a
 * stack, a query or a path.
 */
export function errorHandler(fallbackI18n: i18n): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = statusOf(err);
    if (status === 500) {
      logger.error({ reqId: req.id, err: { type: (err as Error)?.name ?? typeof err }, status }, 'request failed');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    // A form whose token no longer matches (it expired, or the session ended): say so, not "no access".
    const key = (err as { code?: unknown })?.code === 'EBADCSRFTOKEN' ? 'common:errors.formExpired' : PAGES[status]!;
    const t = req.t ?? fallbackI18n.getFixedT(req.language ?? 'en');
    if (status === 503) res.setHeader('Retry-After', '30');
    if (status === 429) res.setHeader('Retry-After', '900');
    res.status(status);
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: { status, message: t(`${key}.title`), requestId: req.id } });
      return;
    }
    res.locals.t ??= t;
    res.render('errors/error', {
      title: t(`${key}.title`),
      error: { titleKey: `${key}.title`, bodyKey: `${key}.body`, requestId: req.id },
    });
  };
}
