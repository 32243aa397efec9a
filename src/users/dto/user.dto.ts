import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../entities/user.entity.js';

/** A user as the API shows it (snake_case, like the rest of our JSON). A class so OpenAPI can describe it. */
export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada' })
  username: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@gmail.com' })
  email: string | null;

  @ApiProperty({ description: 'Verified by the provider we last heard it from' })
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
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    first_name: user.firstName,
    last_name: user.lastName,
    picture: user.picture,
    created_at: user.createdAt.toISOString(),
  };
}
