// The project's TypeORM data source, for tools that read ormconfig.ts. `npm run migration:generate` runs its
// compiled twin, dist/cli/typeorm-data-source.js, so it works without a TypeScript loader.
export { default } from './src/cli/typeorm-data-source.js';
