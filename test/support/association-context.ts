import type { EntityManager } from 'typeorm';
import type { NormalizedProfile } from '../../src/providers/identity-provider.types.js';
import type { AssociationContext } from '../../src/users/association/association.types.js';

/** A pipeline context as the pipeline builds it, for testing one step. */
export function associationContext(
  manager: EntityManager,
  profile: NormalizedProfile,
  extra: Partial<AssociationContext> & { provider?: string } = {},
): AssociationContext {
  const { provider = 'google', ...rest } = extra;
  return { identity: { provider, profile, tokens: {}, extraData: {} }, manager, profile, isNewUser: false, ...rest };
}
