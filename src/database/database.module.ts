import { Global, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions, type DataSourceEntities } from './data-source.js';
import { TransactionRunner } from './transaction-runner.js';

/**
 * Closes the database itself, to say so in the shutdown log: TypeORM's own shutdown hook (TypeOrmCoreModule) skips a
 * data source that is closed already, and otherwise closes it silently.
 */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.log(`Database closed (${this.dataSource.options.type === 'postgres' ? 'PostgreSQL' : 'SQLite'})`);
  }
}

@Global()
@Module({})
export class DatabaseModule {
  /** `entities`: the app's tables (src/entities.ts); the modules that own them sit above this one. */
  static forRoot(entities: DataSourceEntities): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({ ...buildDataSourceOptions(config.database, entities), retryAttempts: 3, retryDelay: 1000 }),
        }),
      ],
      providers: [TransactionRunner, DatabaseLifecycle],
      exports: [TransactionRunner],
    };
  }
}
