import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule as NestConfigModule, registerAs } from '@nestjs/config';
import { APP_CONFIG, type AppConfig } from './app-config.js';

type Section = { [K in keyof AppConfig]: AppConfig[K] extends object ? K : never }[keyof AppConfig];

/**
 * One `@nestjs/config` namespace per section of the parsed `AppConfig` (`http`, `jwt`…), each the very object
 * `APP_CONFIG` holds, parsed once by `loadConfig` (ADR 0035). No .env file, no fallback to `process.env`.
 */
export function configNamespaces(config: AppConfig) {
  const sections = (Object.keys(config) as Array<keyof AppConfig>).filter((key): key is Section => typeof config[key] === 'object');
  return sections.map((section) => registerAs(section, () => config[section]));
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
