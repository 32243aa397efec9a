import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { SocialAccount } from '../entities/social-account.entity.js';

/** One of the user's provider identities, as `/users/me/social-accounts` shows it. Never its tokens. */
export class SocialAccountDto {
  @ApiProperty({ format: 'uuid', description: 'Pass it to `DELETE /users/me/social-accounts/{id}`' })
  id: string;

  @ApiProperty({ example: 'github' })
  provider: string;

  @ApiProperty({ description: "The provider's stable id for the person", example: '583231' })
  uid: string;

  @ApiPropertyOptional({ description: "The identity's email, when the provider's extra data holds one", example: 'ada@example.com' })
  email?: string;

  @ApiProperty({ format: 'date-time', description: 'When it was connected' })
  created_at: string;
}

export function toSocialAccountDto(account: SocialAccount): SocialAccountDto {
  const email = account.extraData?.email;
  return {
    id: account.id,
    provider: account.provider,
    uid: account.uid,
    ...(typeof email === 'string' ? { email } : {}),
    created_at: account.createdAt.toISOString(),
  };
}

/** `POST /users/me/social-accounts/link`: the `details.link_token` of a login refused with `account_link_required`. */
export class LinkSocialAccountDto {
  @ApiProperty({ description: 'From the `409 account_link_required` answer of a login; single use, 10 minutes', maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  link_token: string;
}
