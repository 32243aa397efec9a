import type { User } from '../entities/user.entity.js';

/** A user as the API shows it (snake_case, like the rest of our JSON). */
export interface UserDto {
  id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  picture: string | null;
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
