import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { perDataSource, tableOf } from '../../../database/entity-rows.js';
import { PreparedStatement } from '../../../database/prepared-statement.js';
import { User } from '../../entities/user.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

const MAX = 30;

/** Lower-case, URL-safe, no leading or trailing separators. */
export function slugifyUsername(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, MAX)
    .replace(/^[._-]+|[._-]+$/g, '');
}

/** How many numbered variants one indexed lookup tries before falling back to a random suffix. */
const VARIANTS = 20;

/**
 * get_username: for a new user, a unique slug from the provider's username, the email's local part or the
 * name, suffixed `-2`, `-3`, ... when taken. One `IN (...)` lookup on the unique index (a `LIKE 'base-%'` scan
 * reads the whole table); past `-20` a random suffix. Two logins racing for one name meet the unique index and retry.
 */
@AssociationStep('get_username')
export class GetUsernameStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    if (context.user) return;
    const { username, email, name } = context.profile;
    const base = slugifyUsername(username ?? email?.split('@')[0] ?? name ?? '') || `user-${context.identity.provider}`;
    context.username = await uniqueUsername(context.manager, base);
    context.readFree = { ...context.readFree, username: context.username };
  }
}

/**
 * Which of VARIANTS usernames are taken: one statement on the unique index. Planned at each run on PostgreSQL: a
 * generic plan of the IN list made while the users table was small is a sequential scan, kept as the table grows.
 */
const takenUsernames = perDataSource((dataSource) => {
  const { driver } = dataSource;
  const placeholders = Array.from({ length: VARIANTS }, (_, i) => driver.createParameter(`u${i}`, i)).join(', ');
  const column = driver.escape('username');
  return PreparedStatement.for(
    dataSource,
    `SELECT ${column} FROM ${tableOf(dataSource, dataSource.getMetadata(User))} WHERE ${column} IN (${placeholders})`,
    { planEachRun: true },
  );
});

/** `base` if free, else its first free variant `base-2`...`base-20`, else `base-<random hex>`. Shared with create_user. */
export async function uniqueUsername(manager: EntityManager, base: string): Promise<string> {
  const candidates = [base, ...Array.from({ length: VARIANTS - 1 }, (_, i) => `${base}-${i + 2}`)];
  const taken = new Set((await takenUsernames(manager.connection).rows(candidates, manager)).map((row) => row.username));
  return candidates.find((c) => !taken.has(c)) ?? `${base}-${randomBytes(4).toString('hex')}`;
}
