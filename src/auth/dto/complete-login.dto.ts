import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /auth/complete`: resumes a login paused with `422 profile_incomplete`, with the fields it named. */
export class CompleteLoginDto {
  @ApiProperty({ description: 'The `details.pending_token` of the 422 answer; single use', maxLength: 512 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  pending_token: string;

  @ApiProperty({ description: 'Typed by the user: stored unverified, and never used to link accounts', format: 'email', maxLength: 320 })
  @IsString()
  @MaxLength(320)
  @IsEmail()
  email: string;
}
