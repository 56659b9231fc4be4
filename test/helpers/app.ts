import type { Express } from 'express';
import { createApp, type AppOptions } from '../../src/app.js';

let shared: Promise<Express> | undefined;

/** The app as production builds it; one instance shared by the route tests that need no options. */
export function testApp(options?: AppOptions): Promise<Express> {
  if (options) return createApp(options);
  shared ??= createApp();
  return shared;
}
