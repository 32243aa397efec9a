import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RESERVED_CLIENT_NAMES } from '../../config/settings/auth.settings.js';
import { impersonatedName, nameSkeleton } from './client-name-policy.js';

describe(impersonatedName.name, () => {
  it.each([
    ['Google'],
    ['google'],
    ['GOOGLE'],
    ['G00gle'],
    ['Ｇｏｏｇｌｅ'],
    ['Gоogle'],
    ['G\u200Boogle'],
    ['Goog1e'],
    ['Google Drive Sync'],
    ['GoogleDrive'],
    ['My-GOOGLE'],
    ['nest social auth'],
    ['Nest-Social-Auth'],
    ['ɴest-social-auth'.replace('ɴ', 'n')],
    ['nest‐social‐auth'],
    ['Ⓖoogle'],
    ['𝐆𝐨𝐨𝐠𝐥𝐞'],
    ['Gooɡle'],
    ['Mıcrosoft'],
    ['Mlcrosoft'],
  ])('should take %j for a reserved name', (name) => {
    expect(impersonatedName(name, DEFAULT_RESERVED_CLIENT_NAMES)).toBeDefined();
  });

  it.each([['Example App'], ['Partner CLI'], ['Gogol Reader'], ['Nightly job'], ['Pineapple Notes'], ['Googlers Club']])(
    'should let %j through',
    (name) => {
      expect(impersonatedName(name, DEFAULT_RESERVED_CLIENT_NAMES)).toBeUndefined();
    },
  );

  it('should fold a configured name the same way as the name it checks', () => {
    expect(impersonatedName('ACME  Pay', ['acme-pay'])).toBe('acme-pay');
    expect(nameSkeleton('Café')).toBe(nameSkeleton('Cafe'));
  });
});
