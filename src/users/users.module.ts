import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretBox } from '../common/crypto/secret-box.js';
import { AssociationPipeline } from './association/association.pipeline.js';
import { BUILT_IN_STEPS } from './association/steps/index.js';
import { SocialAccount } from './entities/social-account.entity.js';
import { User } from './entities/user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, SocialAccount]), DiscoveryModule],
  controllers: [UsersController],
  providers: [UsersService, AssociationPipeline, SecretBox, ...BUILT_IN_STEPS],
  exports: [UsersService, AssociationPipeline],
})
export class UsersModule {}
