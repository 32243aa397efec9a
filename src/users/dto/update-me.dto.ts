import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** `PATCH /users/me`: what a person may change about themselves. Email is not here: it comes from providers. */
export class UpdateMeDto {
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(30)
  @Matches(/^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/, { message: 'username may hold a-z, 0-9, ".", "_" and "-", and starts and ends with a letter or digit' })
  username?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  last_name?: string;
}
