import type { HelperOptions } from 'handlebars';
import { formatDate as format, type Calendar } from '../../lib/i18n/format.js';

/** `{{formatDate value}}` in the page's language and the reader's calendar. */
export function formatDate(value: unknown, options: HelperOptions): string {
  const page = (options.data?.root as { page?: { lang?: string; calendar?: Calendar } } | undefined)?.page;
  if (!(value instanceof Date) && typeof value !== 'string' && typeof value !== 'number') return '';
  return format(value, page?.lang ?? 'en', { calendar: page?.calendar ?? 'default' });
}
