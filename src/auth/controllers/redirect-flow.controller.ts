import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { AppError } from '../../common/errors/app-error.js';
import { NoStore } from '../../common/http/no-store.js';
import { INTERACTION_LOGIN_COOKIE, stateCookieName } from '../browser/authorization-states.js';
import { readCookies, serializeCookie } from '../browser/cookies.js';
import { LoginCodes } from '../browser/login-codes.js';
import { popupPage } from '../browser/popup-page.js';
import { RedirectFlowService } from '../browser/redirect-flow.service.js';
import { Client } from '../client-info.js';
import { AuthorizeQuery, LoginCodeDto } from '../dto/authorize.query.js';
import { CallbackParams, CallbackQuery } from '../dto/callback.params.js';
import { ProviderParams } from '../dto/provider.params.js';
import { LoginResponse } from '../dto/token-pair.response.js';
import { LoginService } from '../login.service.js';
import type { ClientInfo } from '../tokens/refresh-token.service.js';

/**
 * The authorize redirect and the callback are steps of a browser navigation that may run in a popup. Chromium
 * switches a popup to a new browsing context group (losing `window.opener`) when any response of the navigation,
 * redirects included, carries a Cross-Origin-Opener-Policy that differs from the opener's; helmet's API default is
 * `same-origin`, so these routes send `unsafe-none` (they render nothing that needs isolating).
 */
const NAVIGATION_STEP = { helmet: { crossOriginOpenerPolicy: { policy: 'unsafe-none' } } } as const;

/** The server redirect flow (and its popup variant), and the login-code exchange that finishes it. */
@Public()
@ApiTags('auth')
@NoStore()
@Controller('auth')
export class RedirectFlowController {
  constructor(
    private readonly flow: RedirectFlowService,
    private readonly loginCodes: LoginCodes,
    private readonly login: LoginService,
  ) {}

  @Get(':provider/authorize')
  @RouteConfig(NAVIGATION_STEP)
  @ApiOperation({ summary: 'Start a sign-in in the browser: 302 to the provider with state, PKCE S256 and nonce' })
  @ApiParam({ name: 'provider', example: 'google' })
  @ApiResponse({ status: 302, description: "To the provider's authorization endpoint; sets the state's browser-binding cookie" })
  @ApiErrors(
    'validation_failed',
    'return_to_not_allowed',
    'unsupported_grant',
    'unknown_provider',
    'rate_limited',
    'provider_unavailable',
    'service_unavailable',
    'provider_timeout',
  )
  async authorize(@Param() { provider }: ProviderParams, @Query() query: AuthorizeQuery, @Res() reply: FastifyReply): Promise<void> {
    const { location, cookie } = await this.flow.start(provider, query);
    await reply.header('set-cookie', serializeCookie(cookie)).redirect(location, 302);
  }

  @Get(':provider/callback')
  @RouteConfig(NAVIGATION_STEP)
  @ApiOperation({ summary: "The provider's redirect back: 302 to return_to with #login_code=… or #error=…, or the popup page" })
  @ApiParam({ name: 'provider', example: 'google' })
  @ApiResponse({ status: 302, description: 'To return_to, with the login code or an error code in the fragment (never in the query)' })
  @ApiErrors('validation_failed', 'invalid_state', 'state_browser_mismatch', 'unknown_provider', 'rate_limited', 'service_unavailable')
  async callback(
    @Param() { provider }: ProviderParams,
    @CallbackQuery() params: CallbackParams,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { state, result } = await this.flow.finish(provider, params, readCookies(req.headers.cookie));
    const fragment = new URLSearchParams(result).toString();
    const fallback = `${state.returnTo}#${fragment}`;
    // `take` checked this state's cookie; it has served its purpose.
    const clear = serializeCookie({
      name: stateCookieName(params.state!),
      value: '',
      path: `/auth/${encodeURIComponent(state.provider)}/callback`,
      maxAgeSeconds: 0,
      secure: false,
      sameSite: 'lax',
    });
    reply.header('set-cookie', clear);
    if (state.mode === 'interaction') {
      // Back to our authorization server's sign-in (src/oauth-server/): the outcome in a cookie only that page gets.
      const outcome = serializeCookie({
        name: INTERACTION_LOGIN_COOKIE,
        value: encodeURIComponent(fragment),
        path: new URL(state.returnTo).pathname,
        maxAgeSeconds: 60,
        secure: state.returnTo.startsWith('https:'),
        sameSite: 'lax',
      });
      // Fastify appends a second set-cookie to the one above: the state cookie is cleared once, not twice.
      await reply.header('set-cookie', outcome).redirect(state.returnTo, 303);
      return;
    }
    if (state.mode === 'popup') {
      const page = popupPage(new URL(state.returnTo).origin, result, fallback);
      await reply.headers(page.headers).status(200).send(page.html);
      return;
    }
    await reply.redirect(fallback, 302);
  }

  /** `response_mode=form_post` (Apple): the same callback as a cross-site form POST. */
  @Post(':provider/callback')
  @RouteConfig(NAVIGATION_STEP)
  @ApiOperation({ summary: 'The same callback for providers that answer with response_mode=form_post (Apple): a form body' })
  @ApiParam({ name: 'provider', example: 'apple' })
  @ApiResponse({ status: 302, description: 'As the GET callback' })
  @ApiErrors(
    'validation_failed',
    'invalid_state',
    'state_browser_mismatch',
    'unknown_provider',
    'unsupported_media_type',
    'rate_limited',
    'service_unavailable',
  )
  callbackPost(
    @Param() provider: ProviderParams,
    @CallbackQuery() params: CallbackParams,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.callback(provider, params, req, reply);
  }

  @Post('login-code')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade the one-time login code of the redirect flow for our tokens (answers like /auth/{provider}/token)' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(
    'validation_failed',
    'invalid_login_code',
    'account_inactive',
    'account_link_required',
    'profile_incomplete',
    'login_not_allowed',
    'rate_limited',
    'service_unavailable',
  )
  async redeem(@Body() body: LoginCodeDto, @Client() client: ClientInfo): Promise<LoginResponse> {
    const outcome = await this.loginCodes.redeem(body.login_code, body.code_verifier);
    if (outcome.kind === 'refused') throw new AppError(outcome.code, outcome.message, { details: outcome.details });
    return this.login.startSession(outcome.userId, outcome.isNewUser, client, outcome.provider);
  }
}
