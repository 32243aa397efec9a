import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { NoControlCharacters } from '../../common/validation/no-control-characters.js';
import { OptionalString } from '../../common/validation/validation.js';

const USERNAME = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;

/** `PATCH /users/me`: what a person may change about themselves. Email is not here: it comes from providers. */
export class UpdateMeDto {
  @ApiPropertyOptional({ minLength: 3, maxLength: 30, pattern: USERNAME.source, example: 'ada' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(30)
  @Matches(USERNAME, { message: 'username may hold a-z, 0-9, ".", "_" and "-", and starts and ends with a letter or digit' })
  username?: string;

  @OptionalString(200)
  @NoControlCharacters()
  name?: string;

  @OptionalString(100)
  @NoControlCharacters()
  first_name?: string;

  @OptionalString(100)
  @NoControlCharacters()
  last_name?: string;
}
