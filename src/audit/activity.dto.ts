import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AppError } from '../common/errors/app-error.js';
import { AUDIT_EVENTS, type AuditDetail, type AuditEvent } from './audit-event.entity.js';
import type { ActivityCursor } from './audit-trail.service.js';

export const MAX_ACTIVITY_PAGE = 100;

export class ActivityQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ACTIVITY_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ACTIVITY_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: '`next_before` of the previous page: events older than its last one' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,80}$/, { message: 'before must be the next_before of a previous page' })
  before?: string;
}

export class ActivityEventDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: AUDIT_EVENTS })
  event: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, nullable: true, example: 'google' })
  provider: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The session (as in `GET /auth/sessions`) the event started or ended' })
  session_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Firefox on Linux', description: 'The User-Agent, summarized' })
  user_agent: string | null;

  @ApiProperty({
    type: Object,
    nullable: true,
    example: { flow: 'token', new_user: false },
    description: 'Facts of the event: the sign-in flow, why a session ended, which application',
  })
  detail: AuditDetail | null;
}

export class ActivityPageDto {
  @ApiProperty({ type: [ActivityEventDto], description: 'Newest first' })
  events: ActivityEventDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next (older) page; null on the last page' })
  next_before: string | null;
}

/** `rows`: up to `limit + 1` events, the one beyond the page only telling that there is a next page. */
export function toActivityPage(rows: AuditEvent[], limit: number): ActivityPageDto {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    events: page.map((row) => ({
      id: row.id,
      event: row.event,
      created_at: row.createdAt.toISOString(),
      provider: row.provider,
      session_id: row.sessionId,
      ip: row.ip,
      user_agent: row.userAgent,
      detail: row.detail,
    })),
    next_before: last && rows.length > limit ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** Opaque to clients, but no secret: where the page ended (time and id, as the order is newest first, then by id). */
export function encodeCursor(cursor: ActivityCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}.${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string): ActivityCursor {
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(value, 'base64url').toString());
  if (!match)
    throw new AppError('validation_failed', 'before must be the next_before of a previous page', {
      details: { fields: { before: ['is not a cursor of this API'] } },
    });
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}
