import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule as NestConfigModule, registerAs } from '@nestjs/config';
import { APP_CONFIG, type AppConfig } from './app-config.js';

/**
 * One `@nestjs/config` namespace per section of the parsed `AppConfig` (`http`, `jwt`…), each the very object
 * `APP_CONFIG` holds, parsed once by `loadConfig` (ADR 0035). No .env file, no fallback to `process.env`.
 */
export function configNamespaces(config: AppConfig) {
  const sections = Object.entries<unknown>(config).filter((entry): entry is [string, object] => typeof entry[1] === 'object');
  return sections.map(([name, section]) => registerAs(name, () => section));
}

/** Provides the parsed `AppConfig` everywhere. `forRoot(config)` lets tests pass a config built in code. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      imports: [NestConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: configNamespaces(config) })],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
