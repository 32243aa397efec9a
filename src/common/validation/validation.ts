import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError } from '../errors/app-error.js';

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

function toAppError(errors: ValidationError[]): AppError {
  const fields = Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})]));
  const message = errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ') || 'Invalid request body';
  return new AppError('validation_failed', message, { details: { fields } });
}

/** The global pipe: DTOs with class-validator; unknown fields refused; failures are `400 validation_failed`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({ ...OPTIONS, transform: true, exceptionFactory: toAppError });
}

/**
 * The same rules for code that runs before pipes (guards, passport strategies) or outside them (parameters
 * from other parties, where `allowUnknown` drops the fields the class does not list instead of refusing them).
 */
export function validateDto<T extends object>(cls: new () => T, plain: unknown, options: { allowUnknown?: boolean } = {}): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new AppError('validation_failed', 'The request body must be a JSON object');
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, options.allowUnknown ? { ...OPTIONS, forbidNonWhitelisted: false } : OPTIONS);
  if (errors.length > 0) throw toAppError(errors);
  return instance;
}
