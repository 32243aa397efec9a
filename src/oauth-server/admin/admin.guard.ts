import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/**
 * The `admin` role: users named in ADMIN_USER_IDS (docs/decisions/0020-admin-role-by-configuration.md), signed in
 * with a first-party token. A third-party application's token never acts as an admin, whatever its user.
 * Runs after the global JwtAuthGuard, which has put `auth` on the request.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const auth = context.switchToHttp().getRequest<{ auth?: AuthenticatedUser }>().auth;
    if (!auth || auth.clientId !== undefined || !this.config.oauthServer.adminUserIds.includes(auth.userId)) {
      throw new AppError('admin_required', 'This needs the admin role (ADMIN_USER_IDS)');
    }
    return true;
  }
}
