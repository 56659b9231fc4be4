/** `{{#each (array "a" "b")}}`: a list written in the template. The last argument is Handlebars' options. */
export function array(...items: unknown[]): unknown[] {
  return items.slice(0, -1);
}
