import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NormalizedProfile, VerifiedIdentity } from '../../providers/identity-provider.types.js';
import type { SocialAccount } from '../entities/social-account.entity.js';
import type { User } from '../entities/user.entity.js';

/** What the steps of one login share. Steps read and fill it; the pipeline runs them in config order. */
export interface AssociationContext {
  readonly identity: VerifiedIdentity;
  /** The login's transaction: every read and write of a step goes through it. */
  readonly manager: EntityManager;
  profile: NormalizedProfile;
  uid?: string;
  username?: string;
  /**
   * What earlier steps read in this transaction and found free: the username `get_username` chose and the address
   * `associate_by_email` found no account holding. `create_user` does not read them again (the unique indexes still
   * settle a login that commits one meanwhile); a step that changes `username` or the profile's email leaves them stale,
   * so `create_user` compares before trusting them.
   */
  readFree?: { username?: string; email?: string };
  user?: User;
  socialAccount?: SocialAccount;
  isNewUser: boolean;
}

export interface PipelineStep {
  run(context: AssociationContext): Promise<void>;
}

export const ASSOCIATION_STEP_NAME = 'association:step-name';

/**
 * Marks a class as a pipeline step called `name` (python-social-auth's names for ours). Any module's provider
 * with this decorator is found at boot; `LOGIN_PIPELINE` decides whether and where it runs.
 */
export const AssociationStep = (name: string) => applyDecorators(Injectable(), SetMetadata(ASSOCIATION_STEP_NAME, name));
