import mongoose, { Types } from 'mongoose';

/**
 * Marks the operators of a filter built by Haven itself (the access policy's filters, time windows) as
 * trusted. mongoose's sanitizeFilter neutralises every other operator object, so an operator smuggled
 * in through user input never matches anything (SECURITY.md I2).
 */
export function trusted<T>(filter: T): T {
  if (Array.isArray(filter)) {
    filter.forEach(trusted);
    return filter;
  }
  if (filter && typeof filter === 'object' && !(filter instanceof Date) && !(filter instanceof Types.ObjectId)) {
    const values = Object.values(filter as Record<string, unknown>);
    values.forEach(trusted);
    if (Object.keys(filter).some((k) => k.startsWith('$'))) return mongoose.trusted(filter) as T;
  }
  return filter;
}
