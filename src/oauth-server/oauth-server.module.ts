import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { SecretBox } from '../common/crypto/secret-box.js';
import { UsersModule } from '../users/users.module.js';
import { AdminGuard } from './admin/admin.guard.js';
import { ApplicationsController } from './admin/applications.controller.js';
import { Application } from './applications/application.entity.js';
import { ApplicationsService } from './applications/applications.service.js';
import { OAuthRecord } from './oauth-record.entity.js';
import { OAuthProviderService } from './oauth-provider.service.js';

/** Our authorization server for third-party applications (docs/oauth-server.md). Imported unless OAUTH_SERVER_ENABLED=false. */
@Module({
  imports: [AuthModule, UsersModule, TypeOrmModule.forFeature([Application, OAuthRecord])],
  controllers: [ApplicationsController],
  providers: [OAuthProviderService, ApplicationsService, SecretBox, AdminGuard],
  exports: [OAuthProviderService, ApplicationsService],
})
export class OAuthServerModule {}
