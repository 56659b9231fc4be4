import { gzipSync } from 'node:zlib';

/** Every page the app has so far, for the tests that check all pages (headers, pseudo-locale, size). */
export const PAGES = ['/', '/login', '/reset'] as const;

export function gzipSize(html: string): number {
  return gzipSync(Buffer.from(html)).length;
}

/** The visible text of an HTML page: tags, comments and scripts removed, entities for < > & decoded. */
export function visibleText(html: string): string[] {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, '\n')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Text inside attributes people read: aria-label, title, placeholder, alt. */
export function readableAttributes(html: string): string[] {
  return [...html.matchAll(/\s(?:aria-label|title|placeholder|alt)="([^"]*)"/g)].map((m) => m[1]!);
}
