import { Global, Module } from '@nestjs/common';
import { ActivityController } from './activity.controller.js';
import { AuditTrail } from './audit-trail.service.js';

/** `AuditTrail` for every module that records a security event, and `GET /users/me/activity`. */
@Global()
@Module({
  controllers: [ActivityController],
  providers: [AuditTrail],
  exports: [AuditTrail],
})
export class AuditModule {}
