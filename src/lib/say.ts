import { config } from '../config/index.js';
import { logger } from './logger.js';

/**
 * Messages for the person who started Haven (start-up, CLI). Plain lines in development; structured
 * log lines in production. Never personal data.
 */
export function say(message: string): void {
  if (config.isProduction) logger.info(message);
  else process.stdout.write(`${message}\n`);
}
