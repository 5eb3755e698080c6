import { readFileSync } from 'node:fs';
import { TracehoundError } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import type { FirstAdmin } from './auth-service.js';

export const ADMIN_PASSWORD_FILE_VARIABLE = 'TRACEHOUND_API_ADMIN_PASSWORD_FILE';
const MIN_PASSWORD = 12;

/**
 * The first admin's password from a file (a mounted Secret): its first line, without the line
 * end. A missing file or a password under 12 characters stops start-up naming the variable.
 */
export function readAdminPassword(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TracehoundError('TH_ERR_CONFIG', `${ADMIN_PASSWORD_FILE_VARIABLE}: cannot read ${path}: ${(cause as Error).message}`, { cause, details: { variable: ADMIN_PASSWORD_FILE_VARIABLE } });
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password.length < MIN_PASSWORD) {
    throw new TracehoundError('TH_ERR_CONFIG', `${ADMIN_PASSWORD_FILE_VARIABLE}: the password in ${path} must be at least ${MIN_PASSWORD} characters on its first line`, { details: { variable: ADMIN_PASSWORD_FILE_VARIABLE } });
  }
  return password;
}

/** Tells the operator what the first-start check did; a generated password goes to `onGenerated` only. */
export function reportFirstAdmin(r: FirstAdmin, username: string, logger: Logger, onGenerated?: (username: string, password: string) => void): void {
  if (r.outcome === 'created' && r.generatedPassword) onGenerated?.(username, r.generatedPassword);
  else if (r.outcome === 'created') logger.info({ user: username }, `first admin created with the password from ${ADMIN_PASSWORD_FILE_VARIABLE}`);
  else if (r.outcome === 'created elsewhere') logger.info({ user: username }, `first admin created by another API instance starting at the same time (its log has the password, unless ${ADMIN_PASSWORD_FILE_VARIABLE} set it)`);
}
