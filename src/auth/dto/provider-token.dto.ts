import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

/** `POST /auth/{provider}/token`: exactly one of a provider access token or an OpenID Connect ID token. */
export class ProviderTokenDto {
  @ValidateIf((o: ProviderTokenDto) => o.id_token === undefined)
  @IsString()
  @IsNotEmpty({ message: 'access_token or id_token is required' })
  @MaxLength(4096)
  access_token?: string;

  @ValidateIf((o: ProviderTokenDto) => o.access_token === undefined || o.id_token !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  id_token?: string;

  /** Ignored by the server; listed so a frontend that sends its device name is not refused. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  device_name?: string;
}
