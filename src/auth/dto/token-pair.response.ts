import { ApiProperty } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user.dto.js';

/** Our tokens after a refresh: a new access token and the next refresh token (the one sent stops working). */
export class TokenPairResponse {
  @ApiProperty({ description: 'Our access token (JWT); send it as `Authorization: Bearer …`' })
  access_token: string;

  @ApiProperty({ description: 'Opaque, single use: each refresh answers a new one' })
  refresh_token: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type: 'Bearer';

  @ApiProperty({ type: 'integer', description: 'Lifetime of the access token, in seconds', example: 900 })
  expires_in: number;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}

/** Our tokens after a login with a provider token. */
export class LoginResponse extends TokenPairResponse {
  @ApiProperty({ description: 'True when this login created the user' })
  is_new_user: boolean;
}
