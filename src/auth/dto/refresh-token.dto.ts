import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token of the session', maxLength: 512 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  refresh_token: string;
}
