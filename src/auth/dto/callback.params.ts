import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { OptionalString, validateDto } from '../../common/validation/validation.js';

/**
 * What a provider sends back to `/auth/{provider}/callback` (RFC 6749 §4.1.2, RFC 9207 `iss`, Apple's form_post
 * `user`). Each a single string: a repeated parameter arrives as an array and is refused with 400.
 */
export class CallbackParams {
  @OptionalString(512, 'Our state, echoed by the provider')
  state?: string;

  @OptionalString(4096, 'The authorization code')
  code?: string;

  @OptionalString(256, "The provider's OAuth error name (RFC 6749 §4.1.2.1)")
  error?: string;

  @OptionalString(2048)
  error_description?: string;

  @OptionalString(2048)
  error_uri?: string;

  @OptionalString(2048, 'The issuer (RFC 9207)')
  iss?: string;

  @OptionalString(4096, "Apple (form_post), first sign-in only: the user's name as JSON")
  user?: string;
}

/**
 * The callback's parameters: the query of the GET, the form of the POST (response_mode=form_post), validated as
 * `CallbackParams`. Not `@Query()`: the global pipe refuses unknown fields, and providers add their own
 * (Google's `scope`, `authuser`, `hd`, `prompt`; Microsoft's `session_state`; Apple's `id_token`), which are
 * dropped here instead. What the providers read is only what this class lists.
 */
export const CallbackQuery = createParamDecorator((_data: unknown, ctx: ExecutionContext): CallbackParams => {
  const req = ctx.switchToHttp().getRequest<{ method: string; query: unknown; body: unknown }>();
  return validateDto(CallbackParams, req.method === 'POST' ? (req.body ?? {}) : req.query, { allowUnknown: true });
});
