/** `{{t (concat "admin:roles." role)}}`: joins strings to build a translation key. The last argument is Handlebars' options. */
export function concat(...parts: unknown[]): string {
  return parts.slice(0, -1).map(String).join('');
}
