import { describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { AppError } from './app-error.js';
import { HttpErrorFilter } from './http-error.filter.js';

/** An error as Fastify raises it for a request it refuses before any handler runs. */
const fastifyError = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode });

const INTERNAL = { statusCode: 500, code: 'internal_error', message: 'Internal server error' };

describe(HttpErrorFilter.name, () => {
  const sut = new HttpErrorFilter();

  describe('toBody', () => {
    it('should answer an AppError with its status, code, message and details', () => {
      const error = new AppError('account_link_required', 'Sign in to the existing account first', { details: { provider: 'github' } });

      expect(sut.toBody(error)).toEqual({
        statusCode: 409,
        code: 'account_link_required',
        message: 'Sign in to the existing account first',
        details: { provider: 'github' },
      });
    });

    it('should leave details out when an AppError has none', () => {
      expect(sut.toBody(new AppError('invalid_token', 'Token expired'))).toEqual({
        statusCode: 401,
        code: 'invalid_token',
        message: 'Token expired',
      });
    });

    it('should answer a Nest NotFoundException with 404 not_found', () => {
      expect(sut.toBody(new NotFoundException('Cannot GET /nope'))).toEqual({
        statusCode: 404,
        code: 'not_found',
        message: 'Cannot GET /nope',
      });
    });

    it('should join the messages of a validation failure', () => {
      const error = new BadRequestException(['provider must be a string', 'access_token should not be empty']);

      expect(sut.toBody(error)).toEqual({
        statusCode: 400,
        code: 'validation_failed',
        message: 'provider must be a string; access_token should not be empty',
      });
    });

    it('should name an unmapped HTTP status by its number', () => {
      expect(sut.toBody(new HttpException('I am a teapot', 418))).toMatchObject({ statusCode: 418, code: 'http_418' });
    });

    it('should keep a Nest 503 as 503 service_unavailable, hiding its message', () => {
      expect(sut.toBody(new ServiceUnavailableException('database pool exhausted'))).toEqual({
        statusCode: 503,
        code: 'service_unavailable',
        message: 'Service unavailable',
      });
    });

    it('should hide any other Nest 5xx exception behind internal_error', () => {
      expect(sut.toBody(new HttpException('bad gateway detail', 502))).toEqual(INTERNAL);
    });

    it('should answer a plain Error with 500 internal_error and a generic message', () => {
      const body = sut.toBody(new Error('SQLITE_BUSY: database is locked at /var/data/app.sqlite'));

      expect(body).toEqual(INTERNAL);
      expect(body.message).not.toContain('SQLITE_BUSY');
    });

    it('should answer a thrown non-error with 500 internal_error', () => {
      expect(sut.toBody('something odd')).toEqual(INTERNAL);
    });

    it('should answer a Fastify bad body with 400 and no parser details', () => {
      expect(sut.toBody(fastifyError(400, 'Unexpected token } in JSON at position 12'))).toEqual({
        statusCode: 400,
        code: 'validation_failed',
        message: 'Malformed request body',
      });
    });

    it('should answer a Fastify oversized body with 413 payload_too_large', () => {
      expect(sut.toBody(fastifyError(413, 'Request body is too large'))).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    });

    it('should hide a Fastify 5xx behind internal_error', () => {
      expect(sut.toBody(fastifyError(500, 'plugin crashed'))).toEqual(INTERNAL);
    });
  });
});
