import { AppError } from '../../common/errors/app-error.js';
import type { UsersService } from '../../users/users.service.js';

/**
 * Whether the user still exists and is active, read from the database on each call (UsersService.get, not
 * cached): a deactivation or deletion, made in the database on any instance, shows on the very next use of the
 * user's third-party tokens (ADR 0039). Any other failure (the database down) is thrown, not taken for "ended".
 */
export async function userIsActive(users: UsersService, id: string): Promise<boolean> {
  try {
    await users.get(id);
    return true;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'invalid_token' || error.code === 'account_inactive')) return false;
    throw error;
  }
}
