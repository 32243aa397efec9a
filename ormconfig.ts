// The project's TypeORM data source, for tools that read ormconfig.ts. The npm migration scripts run its
// compiled twin, dist/database/cli-data-source.js (see package.json), so they work without a TypeScript loader.
export { default } from './src/database/cli-data-source.js';
