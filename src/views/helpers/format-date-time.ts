import type { HelperOptions } from 'handlebars';
import { formatDateTime as format, type Calendar } from '../../lib/i18n/format.js';

/**
 * `{{formatDateTime value timeZone=zone}}`: date and time in the page's language and the reader's
 * calendar, in the given time zone (else the page's, else UTC), with the offset shown.
 */
export function formatDateTime(value: unknown, options: HelperOptions): string {
  const page = (options.data?.root as { page?: { lang?: string; calendar?: Calendar; timeZone?: string } } | undefined)?.page;
  if (!(value instanceof Date) && typeof value !== 'string' && typeof value !== 'number') return '';
  const zone = typeof options.hash?.timeZone === 'string' ? options.hash.timeZone : page?.timeZone;
  return format(value, page?.lang ?? 'en', { calendar: page?.calendar ?? 'default', timeZone: zone });
}
