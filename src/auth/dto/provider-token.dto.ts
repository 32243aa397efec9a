import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { OptionalString } from '../../common/validation/validation.js';

/** `POST /auth/{provider}/token`: exactly one of a provider access token or an OpenID Connect ID token. */
export class ProviderTokenDto {
  @ApiPropertyOptional({
    description: "The provider's OAuth access token (Google, Facebook, GitHub). Send this or id_token",
    maxLength: 4096,
  })
  @ValidateIf((o: ProviderTokenDto) => o.id_token === undefined)
  @IsString()
  @IsNotEmpty({ message: 'access_token or id_token is required' })
  @MaxLength(4096)
  access_token?: string;

  @ApiPropertyOptional({
    description: 'An OpenID Connect ID token (Google; Facebook Limited Login). Send this or access_token',
    maxLength: 8192,
  })
  @ValidateIf((o: ProviderTokenDto) => o.access_token === undefined || o.id_token !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  id_token?: string;

  /** Never sent: fails validation whenever both tokens are, because the two flows verify differently. */
  @ValidateIf((o: ProviderTokenDto) => o.access_token !== undefined && o.id_token !== undefined)
  @IsDefined({ message: 'send either access_token or id_token, not both' })
  readonly one_token_only?: never;

  /** Ignored by the server; listed so a frontend that sends its device name is not refused. */
  @OptionalString(255, 'Ignored (the session shows the User-Agent)')
  device_name?: string;
}
