import type { HelperOptions } from 'handlebars';
import { formatNumber as format } from '../../lib/i18n/format.js';

/** `{{formatNumber value}}` in the page's language (never for identifiers: those stay in Latin digits). */
export function formatNumber(value: unknown, options: HelperOptions): string {
  const lang = (options.data?.root as { page?: { lang?: string } } | undefined)?.page?.lang ?? 'en';
  return typeof value === 'number' ? format(value, lang) : '';
}
