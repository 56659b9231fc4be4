/** `{{#if (includes list value)}}`: whether a list holds the value (checked boxes, selected options). */
export function includes(list: unknown, value: unknown): boolean {
  return Array.isArray(list) && list.includes(value);
}
