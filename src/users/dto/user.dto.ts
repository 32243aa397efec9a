import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../entities/user.entity.js';

/** A user as the API shows it (snake_case, like the rest of our JSON). A class so OpenAPI can describe it. */
export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada' })
  username: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@gmail.com', description: 'Verified or not: see `email_verified`' })
  email: string | null;

  @ApiProperty({
    description:
      'True when a provider we trust for it vouched for `email` (docs/email-trust.md). An unverified address may be on other accounts too: never send it anything that proves identity.',
  })
  email_verified: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  name: string | null;

  @ApiProperty({ type: String, nullable: true })
  first_name: string | null;

  @ApiProperty({ type: String, nullable: true })
  last_name: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Picture URL from the provider' })
  picture: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email ?? user.unverifiedEmail,
    email_verified: user.email !== null && user.emailVerified,
    name: user.name,
    first_name: user.firstName,
    last_name: user.lastName,
    picture: user.picture,
    created_at: user.createdAt.toISOString(),
  };
}
