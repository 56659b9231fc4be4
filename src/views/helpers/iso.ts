/** `{{iso date}}`: a UTC time as `2026-11-27 14:05:09Z`, for logs where the exact instant matters more than the calendar. */
export function iso(value: unknown): string {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '';
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}
