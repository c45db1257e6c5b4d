import { existsSync } from 'node:fs';
import { ConfigError } from './config.js';

/**
 * Reads `.env` from the working directory if there is one, so an operator can
 * keep the configuration in a file (see `.env.example`). Variables already set
 * in the environment win.
 */
export function loadEnvFile(path = '.env'): void {
  if (!existsSync(path)) return;
  try {
    process.loadEnvFile(path);
  } catch (error) {
    throw new ConfigError(`The file ${path} could not be read: ${(error as Error).message}`);
  }
}
