import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Application } from '../applications/application.entity.js';
import type { ApplicationInput } from '../applications/applications.service.js';
import { GRANT_TYPES, SCOPE_NAMES } from '../scopes.js';

export class UpdateApplicationDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'Example App' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Exact URIs: https, http on loopback (RFC 8252), or a reverse-domain private-use scheme',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String], enum: GRANT_TYPES })
  @IsOptional()
  @IsArray()
  @IsIn(GRANT_TYPES, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional({ type: [String], enum: SCOPE_NAMES, description: 'The scope ceiling: the most this application may be granted' })
  @IsOptional()
  @IsArray()
  @IsIn(SCOPE_NAMES, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ description: 'Our own application: the user is not asked to consent' })
  @IsOptional()
  @IsBoolean()
  first_party?: boolean;
}

export class CreateApplicationDto extends UpdateApplicationDto {
  @ApiProperty({ maxLength: 100, example: 'Example App' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  declare name: string;

  @ApiProperty({
    enum: ['confidential', 'public'],
    description: 'public: a SPA, mobile or CLI app, which cannot keep a secret (PKCE is then required)',
  })
  @IsIn(['confidential', 'public'])
  type!: 'confidential' | 'public';
}

export class ApplicationDto {
  @ApiProperty()
  client_id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ['confidential', 'public'] })
  type: string;

  @ApiProperty({ type: [String] })
  redirect_uris: string[];

  @ApiProperty({ type: [String] })
  grant_types: string[];

  @ApiProperty({ type: [String] })
  scopes: string[];

  @ApiProperty()
  first_party: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiPropertyOptional({ description: 'Only when it was just made: it is stored hashed and can never be read again' })
  client_secret?: string;
}

/** What the admin API was sent, as ApplicationsService takes it (the type only on creation). */
export const toApplicationInput = (dto: UpdateApplicationDto): Partial<ApplicationInput> => ({
  name: dto.name,
  redirectUris: dto.redirect_uris,
  grantTypes: dto.grant_types,
  scopes: dto.scopes,
  firstParty: dto.first_party,
});

export function toApplicationDto(application: Application, clientSecret?: string): ApplicationDto {
  return {
    client_id: application.clientId,
    name: application.name,
    type: application.type,
    redirect_uris: application.redirectUris,
    grant_types: application.grantTypes,
    scopes: application.scopes,
    first_party: application.firstParty,
    created_at: application.createdAt.toISOString(),
    ...(clientSecret ? { client_secret: clientSecret } : {}),
  };
}
