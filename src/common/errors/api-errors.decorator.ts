import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from './error-body.js';
import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/**
 * Documents the errors a route can answer, by code. OpenAPI keys responses by status, so the codes are grouped
 * under theirs (from ERROR_STATUS, the same table `HttpErrorFilter` uses) and listed in the description;
 * every one of these responses has the `ErrorBody` schema. `internal_error` is always added: any route can fail so.
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, 'internal_error'])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([status, list]) => ApiResponse({ status, type: ErrorBody, description: list.map((c) => `\`${c}\``).join(', ') }));
  return applyDecorators(...responses);
}
