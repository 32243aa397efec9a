import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

export const IS_PUBLIC = 'isPublic';

/**
 * Routes are guarded by default (global `JwtAuthGuard`); this opts one route or controller out.
 * The OpenAPI document mirrors that: bearer auth is its default, and the empty security requirement added here
 * tells readers (and Swagger UI) that this route needs no token.
 */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiSecurity({}));
