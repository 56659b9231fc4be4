import Handlebars, { type HelperOptions } from 'handlebars';
import type { TFunction } from 'i18next';

/**
 * `{{t "ns:key" name=value}}`: the request's own t (never a module-level one), whose interpolated values
 * i18next has already escaped; the translation itself comes from our locale files. Escaped exactly once.
 */
export function t(key: unknown, options: HelperOptions): Handlebars.SafeString {
  const translate = (options.data?.root as { t?: TFunction } | undefined)?.t;
  if (typeof key !== 'string' || !translate) throw new Error('the t helper needs a key and a request t');
  return new Handlebars.SafeString(translate(key, { ...options.hash }) as string);
}
