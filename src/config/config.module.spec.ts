import { describe, expect, it } from '@jest/globals';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { APP_CONFIG, loadConfig, type AppConfig } from './app-config.js';
import { ConfigModule } from './config.module.js';

async function boot(config: AppConfig) {
  const module = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config)] }).compile();
  return { appConfig: module.get<AppConfig>(APP_CONFIG), configService: module.get<ConfigService<AppConfig, true>>(ConfigService) };
}

describe(ConfigModule.name, () => {
  it('should serve each section of the one parsed AppConfig as a @nestjs/config namespace', async () => {
    const config = loadConfig({ NODE_ENV: 'test', PORT: '4100', JWT_AUDIENCE: 'the-audience' });

    const { appConfig, configService } = await boot(config);

    expect(appConfig).toBe(config);
    expect(configService.get('jwt', { infer: true })).toBe(config.jwt);
    expect(configService.get('http.port', { infer: true })).toBe(4100);
    expect(configService.get('jwt.audience', { infer: true })).toBe('the-audience');
    expect(configService.get('providers', { infer: true })).toBe(config.providers);
  });

  it('should not fall back to process.env: a variable reaches the app only through the schema', async () => {
    process.env.NSA_CONFIG_MODULE_SPEC = 'from-the-environment';
    try {
      const { configService } = await boot(loadConfig({ NODE_ENV: 'test' }));

      expect((configService as unknown as ConfigService).get('NSA_CONFIG_MODULE_SPEC')).toBeUndefined();
    } finally {
      delete process.env.NSA_CONFIG_MODULE_SPEC;
    }
  });
});
