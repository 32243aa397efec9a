import { hydrate, perDataSource, selectList, tableOf } from '../../../database/entity-rows.js';
import { PreparedStatement } from '../../../database/prepared-statement.js';
import { SocialAccount } from '../../entities/social-account.entity.js';
import { User } from '../../entities/user.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/**
 * The identity with its user, in one statement (not findOne with relations, which adds a DISTINCT pre-query):
 * prepared once, as every returning login runs it.
 *
 * The account is named by its id from a subquery, not by `WHERE a.provider = ? AND a.uid = ?` on the join: SQLite
 * recompiles a join whose WHERE compares a column with a bound parameter at every run (measured: its cost grows
 * with the SQL's length, and vanishes with literals), ≈ 40 µs a login here; the subquery, a single-table lookup, is compiled once
 * (docs/decisions/0006-request-path-performance.md). Both forms search the same indexes.
 */
const accountWithUser = perDataSource((dataSource) => {
  const { driver } = dataSource;
  const [accounts, users] = [SocialAccount, User].map((entity) => tableOf(dataSource, dataSource.getMetadata(entity)));
  const column = (name: string) => driver.escape(name);
  return PreparedStatement.for(
    dataSource,
    `SELECT ${selectList(dataSource, SocialAccount, 'a', 'a_')}, ${selectList(dataSource, User, 'u', 'u_')} ` +
      `FROM ${accounts} a INNER JOIN ${users} u ON u.${column('id')} = a.${column('userId')} ` +
      `WHERE a.${column('id')} = (SELECT ${column('id')} FROM ${accounts} WHERE ${column('provider')} = ${driver.createParameter('provider', 0)} ` +
      `AND ${column('uid')} = ${driver.createParameter('uid', 1)})`,
  );
});

/** social_user: a returning person, found by (provider, uid) with their user. */
@AssociationStep('social_user')
export class SocialUserStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    const dataSource = context.manager.connection;
    const row = await accountWithUser(dataSource).one([context.identity.provider, context.uid ?? context.profile.uid], context.manager);
    if (!row) return;
    const account = hydrate(dataSource, SocialAccount, row, 'a_');
    account.user = hydrate(dataSource, User, row, 'u_');
    context.socialAccount = account;
    context.user = account.user;
  }
}
