import type { Server } from 'node:http';
import type { Express } from 'express';
import { createApp, type AppOptions } from '../../src/app.js';

let shared: Promise<Express> | undefined;

/** The app as production builds it; one instance shared by the route tests that need no options. */
export function testApp(options?: AppOptions): Promise<Express> {
  if (options) return createApp(options);
  shared ??= createApp();
  return shared;
}

/**
 * The shared app on a real loopback port for the whole describe block, for tests that need many
 * connections at once; returns a getter, since the server exists only once `before` has run.
 */
export function useListeningApp(): () => Server {
  let server: Server | undefined;
  before(async () => {
    const app = await testApp();
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  });
  after(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));
  return () => server!;
}
