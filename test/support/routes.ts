import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { IS_PUBLIC } from '../../src/common/decorators/public.decorator.js';
import type { TestApp } from './test-app.js';

/** A controller or DTO class, as decorator metadata holds it. */
type Class = abstract new (...args: never[]) => unknown;

export interface Route {
  method: string;
  /** Nest's form: `/auth/:provider/token`. */
  path: string;
  isPublic: boolean;
  /** The class of the `@Body()` parameter, when the handler takes one. */
  body?: Class;
  /** The names of the fields of every DTO class the handler takes (body, query, params, custom parameters). */
  fields?: string[];
}

/**
 * Every route of the running app, read from the controllers Nest registered (not from a list kept by hand),
 * so suites that check all routes also check the ones added later.
 */
export function discoverRoutes(t: TestApp): Route[] {
  const discovery = t.app.get(DiscoveryService, { strict: false });
  const scanner = t.app.get(MetadataScanner, { strict: false });
  const reflector = t.app.get(Reflector, { strict: false });
  const routes: Route[] = [];
  for (const controller of discovery.getControllers()) {
    const instance = controller.instance as Record<string, unknown>;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, controller.metatype as object) ?? '');
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = instance[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const isPublic = reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler as never, controller.metatype as never]) === true;
      const fullPath = `/${[prefix, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
      routes.push({
        method,
        path: fullPath,
        isPublic,
        body: bodyType(controller.metatype as Class, name),
        fields: dtoFields(controller.metatype as Class, name),
      });
    }
  }
  return routes;
}

/** `:param` → `{param}`, as OpenAPI writes path parameters. */
export const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function bodyType(controller: Class, method: string): Class | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number }>;
  const key = Object.keys(args).find((k) => k.split(':')[0] === String(RouteParamtypes.BODY));
  if (key === undefined) return undefined;
  const types = Reflect.getMetadata('design:paramtypes', controller.prototype, method) as Class[] | undefined;
  return types?.[args[key].index];
}

/** Field names of the class-validator DTOs among the handler's parameters. */
function dtoFields(controller: Class, method: string): string[] {
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as Class[];
  const storage = getMetadataStorage();
  const names = types.flatMap((type) =>
    typeof type === 'function' ? storage.getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName) : [],
  );
  return [...new Set(names)];
}
