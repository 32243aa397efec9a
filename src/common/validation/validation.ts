import { applyDecorators, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, MaxLength, validateSync } from 'class-validator';
import { AppError } from '../errors/app-error.js';

/** `stopAtFirstError`: a field reports the rule it broke, not every rule it has (`must be a string; must not be empty; …`). */
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true };

function toAppError(errors: ValidationError[]): AppError {
  const fields = Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})]));
  const message = errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ') || 'Invalid request body';
  return new AppError('validation_failed', message, { details: { fields } });
}

/** Deeper than any request of ours; class-transformer recurses, so a 64 KB body of `[[[[…` would overflow its stack. */
const MAX_DEPTH = 32;
/** class-transformer throws a TypeError on a nested object with an own `constructor` key (a 500): none is ours. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses, with 400, request data that would crash class-transformer before validation could refuse it.
 * Iterative, so the check itself cannot overflow the stack.
 */
export function refuseHostileShapes(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_DEPTH) throw new AppError('validation_failed', 'The request is nested too deeply');
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) throw new AppError('validation_failed', `${key} is not an accepted field name`);
      stack.push([(current as Record<string, unknown>)[key], depth + 1]);
    }
  }
}

class AppValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') refuseHostileShapes(value);
    return super.transform(value, metadata);
  }
}

/** The global pipe: DTOs with class-validator; unknown fields refused; failures are `400 validation_failed`. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({ ...OPTIONS, transform: true, exceptionFactory: toAppError });
}

/**
 * The same rules for code that runs before pipes (guards, passport strategies) or outside them (parameters
 * from other parties, where `allowUnknown` drops the fields the class does not list instead of refusing them).
 */
export function validateDto<T extends object>(cls: new () => T, plain: unknown, options: { allowUnknown?: boolean } = {}): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new AppError('validation_failed', 'The request body must be a JSON object');
  }
  refuseHostileShapes(plain);
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, options.allowUnknown ? { ...OPTIONS, forbidNonWhitelisted: false } : OPTIONS);
  if (errors.length > 0) throw toAppError(errors);
  return instance;
}

/** A DTO's optional string field of at most `maxLength` characters, documented: `@IsOptional() @IsString() @MaxLength()`. */
export const OptionalString = (maxLength: number, description?: string): PropertyDecorator =>
  // The rules in the order the three stacked decorators would register them (bottom-up): the order they are checked in.
  applyDecorators(MaxLength(maxLength), IsString(), IsOptional(), ApiPropertyOptional({ description, maxLength }));
