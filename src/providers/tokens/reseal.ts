import { MoreThan, type DataSource } from 'typeorm';
import type { SecretBox } from '../../common/crypto/secret-box.js';
import { SocialAccount, tokenPlace, type TokenColumn } from '../../users/entities/social-account.entity.js';

export interface ResealReport {
  /** Sealed again: under a retired key, or a legacy seal bound to no place. */
  resealed: number;
  current: number;
  /** Under a key no longer configured, or not sealed for where it is: the user signs in with that provider again. */
  unreadable: string[];
}

const COLUMNS: TokenColumn[] = ['accessTokenEncrypted', 'refreshTokenEncrypted'];

/**
 * Seals every stored provider token again, for its row and column under the current key, where it is stale. Reads
 * do this one row at a time; this does all rows, so that after a rotation the retired key can go, and no legacy
 * seal (movable between rows) is left in rows nobody reads. Conditional writes, in id order, in batches: safe to
 * run while the app serves, and to run again.
 */
export async function resealProviderTokens(dataSource: DataSource, box: SecretBox, batchSize = 500): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, current: 0, unreadable: [] };
  const repository = dataSource.getRepository(SocialAccount);
  let after = '';
  for (;;) {
    const batch = await repository.find({
      select: { id: true, accessTokenEncrypted: true, refreshTokenEncrypted: true },
      where: { id: MoreThan(after) },
      order: { id: 'ASC' },
      take: batchSize,
    });
    for (const account of batch) {
      for (const column of COLUMNS) {
        const ciphertext = account[column];
        if (!ciphertext) continue;
        const place = tokenPlace(account.id, column);
        let opened;
        try {
          opened = box.open(ciphertext, place);
        } catch {
          report.unreadable.push(`${account.id} ${column}`);
          continue;
        }
        if (!opened.stale) {
          report.current++;
          continue;
        }
        await repository.update({ id: account.id, [column]: ciphertext }, { [column]: box.seal(opened.plaintext, place) });
        report.resealed++;
      }
    }
    if (batch.length < batchSize) return report;
    after = batch[batch.length - 1].id;
  }
}
