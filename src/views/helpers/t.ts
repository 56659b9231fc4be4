import Handlebars, { type HelperOptions } from 'handlebars';
import type { TFunction } from 'i18next';

/**
 * `{{t "ns:key" name=value}}`: the request's own t (never a module-level one), whose interpolated values
 * i18next has already escaped; the translation itself comes from our locale files. Escaped exactly once.
 * `{{t key values}}` takes the values as one object instead (a "My work" item's `labelValues`).
 */
export function t(key: unknown, ...args: unknown[]): Handlebars.SafeString {
  const options = args[args.length - 1] as HelperOptions;
  // Plain strings and numbers only: an option such as `interpolation` could switch escaping off.
  const given = args.length > 1 && args[0] && typeof args[0] === 'object' ? Object.entries(args[0] as Record<string, unknown>) : [];
  const values = Object.fromEntries(given.filter(([name, v]) => name !== 'interpolation' && (typeof v === 'string' || typeof v === 'number')));
  const translate = (options.data?.root as { t?: TFunction } | undefined)?.t;
  if (typeof key !== 'string' || !translate) throw new Error('the t helper needs a key and a request t');
  return new Handlebars.SafeString(translate(key, { ...values, ...options.hash }) as string);
}
