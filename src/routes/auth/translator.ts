import type { Request } from 'express';
import type { Translator } from '../../services/auth/account.js';

/**
 * Mail in the recipient's language, whatever the language of the person who caused it. Mail is plain
 * text, so values (the link) are not HTML-escaped.
 */
export function translatorFor(req: Request): Translator {
  return (locale) => {
    const t = req.i18n.getFixedT(locale);
    return (key, vars = {}) => t(key, { ...vars, interpolation: { escapeValue: false } }) as string;
  };
}
