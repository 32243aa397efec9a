import { AuditEvent } from './audit/audit-event.entity.js';
import { RefreshToken } from './auth/tokens/refresh-token.entity.js';
import { Application } from './oauth-server/applications/application.entity.js';
import { OAuthRecord } from './oauth-server/oauth-record.entity.js';
import { SocialAccount } from './users/entities/social-account.entity.js';
import { User } from './users/entities/user.entity.js';

/**
 * Every table of the app, for the DataSource (`DatabaseModule.forRoot`, the CLIs). Listed here, at the top, because
 * each entity belongs to its module and database/ sits below them all (docs/architecture.md, "Layers").
 */
export const ENTITIES = [User, SocialAccount, RefreshToken, Application, OAuthRecord, AuditEvent];
