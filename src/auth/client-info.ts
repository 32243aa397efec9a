import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from './tokens/refresh-token.service.js';

/** The device and address a session is shown with in `GET /auth/sessions` (and an audit event with). */
export function clientInfoOf(req: FastifyRequest): ClientInfo {
  const agent = req.headers['user-agent'];
  return { device: typeof agent === 'string' ? agent.slice(0, 255) : null, ip: req.ip?.slice(0, 64) ?? null };
}

export const Client = createParamDecorator((_data: unknown, ctx: ExecutionContext): ClientInfo =>
  clientInfoOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
