import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

/**
 * `:provider` of every `/auth/{provider}/…` route: the shape of a provider id (src/config/providers-file.ts).
 * An id of that shape that is not enabled is still `404 unknown_provider`, from the registry.
 */
export class ProviderParams {
  @ApiProperty({ description: 'An enabled provider', example: 'google', pattern: '^[a-z0-9][a-z0-9_-]{0,49}$' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,49}$/, { message: 'provider must be a provider id (a-z, 0-9, "_", "-")' })
  provider!: string;
}
