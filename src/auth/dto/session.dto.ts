import { ApiProperty } from '@nestjs/swagger';
import type { RefreshToken } from '../tokens/refresh-token.entity.js';

/** One of the user's sessions (a refresh-token family), as `GET /auth/sessions` lists it. */
export class SessionDto {
  @ApiProperty({ format: 'uuid', description: 'Pass it to `DELETE /auth/sessions/{id}`' })
  id: string;

  @ApiProperty({ type: String, nullable: true, description: 'The User-Agent of the last refresh or the login' })
  device: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ format: 'date-time', description: 'When the user signed in' })
  created_at: string;

  @ApiProperty({ format: 'date-time', description: 'When its refresh token was last rotated' })
  last_used_at: string;

  @ApiProperty({ description: 'True for the session of the access token making this request' })
  current: boolean;
}

/** `row` is the family's live token: its creation is the session's last use. */
export function toSessionDto(row: RefreshToken, currentSessionId: string): SessionDto {
  return {
    id: row.familyId,
    device: row.device,
    ip: row.ip,
    created_at: row.sessionCreatedAt.toISOString(),
    last_used_at: row.createdAt.toISOString(),
    current: row.familyId === currentSessionId,
  };
}
