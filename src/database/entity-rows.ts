import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata.js';
import { PreparedStatement, type Row } from './prepared-statement.js';

/**
 * Entities in and out of PreparedStatements, for the statements of every login: the SQL is written once per
 * DataSource from the entity's metadata, and each value goes through the driver's own conversion (Dates,
 * SQLite's 0/1 booleans, simple-json), the conversion `find*` and `insert` apply, without the query builder
 * or the entity hydration around it (docs/decisions/0006-request-path-performance.md).
 */

/** `build(dataSource)` once per DataSource: the SQL of a statement, written from metadata at its first use. */
export function perDataSource<T>(build: (dataSource: DataSource) => T): (dataSource: DataSource) => T {
  const built = new WeakMap<DataSource, T>();
  return (dataSource) => {
    let value = built.get(dataSource);
    if (value === undefined) built.set(dataSource, (value = build(dataSource)));
    return value;
  };
}

/** The table's name as the driver writes it, with its schema when the entity names one. */
export function tableOf(dataSource: DataSource, metadata: EntityMetadata): string {
  const { driver } = dataSource;
  return metadata.schema ? `${driver.escape(metadata.schema)}.${driver.escape(metadata.tableName)}` : driver.escape(metadata.tableName);
}

/** Every stored column once (a relation's join column and its own property are one column). */
function columnsOf(metadata: EntityMetadata): ColumnMetadata[] {
  const seen = new Set<string>();
  return metadata.columns.filter((c) => !c.isVirtual && !seen.has(c.databaseName) && seen.add(c.databaseName));
}

/** `alias.column AS "prefix" + column` for each column: the select list of `hydrate(..., prefix)`. */
export function selectList(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string, prefix: string): string {
  const { driver } = dataSource;
  return columnsOf(dataSource.getMetadata(entity))
    .map((c) => `${alias}.${driver.escape(c.databaseName)} AS ${driver.escape(prefix + c.databaseName)}`)
    .join(', ');
}

/** An entity from the columns of `row` named `prefix` + column, each through the driver's conversion, as `find*` does. */
export function hydrate<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, row: Row, prefix = ''): T {
  const metadata = dataSource.getMetadata(entity);
  const target = metadata.create() as Record<string, unknown>;
  for (const column of columnsOf(metadata)) {
    target[column.propertyName] = dataSource.driver.prepareHydratedValue(row[prefix + column.databaseName], column);
  }
  return target as T;
}

interface InsertStatement {
  statement: PreparedStatement;
  columns: ColumnMetadata[];
}
const insertStatements = new WeakMap<DataSource, Map<EntityMetadata, InsertStatement>>();

/**
 * INSERT of one row with every column given (no defaults, no follow-up SELECT of generated columns), prepared once
 * per entity: the callers make their ids and timestamps themselves. A missing column is a programming error.
 */
export async function insertRow<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, values: Partial<T>): Promise<void> {
  const dataSource = manager.connection;
  const { statement, columns } = insertStatementOf(dataSource, dataSource.getMetadata(entity));
  const source = values as Record<string, unknown>;
  const params = columns.map((column) => {
    const value = source[column.propertyName];
    if (value === undefined) throw new Error(`insertRow(${column.entityMetadata.tableName}) needs a value for ${column.propertyName}`);
    return dataSource.driver.preparePersistentValue(value, column);
  });
  await statement.rows(params, manager);
}

function insertStatementOf(dataSource: DataSource, metadata: EntityMetadata): InsertStatement {
  let statements = insertStatements.get(dataSource);
  if (!statements) insertStatements.set(dataSource, (statements = new Map()));
  let insert = statements.get(metadata);
  if (!insert) {
    const { driver } = dataSource;
    const columns = columnsOf(metadata);
    const names = columns.map((c) => driver.escape(c.databaseName)).join(', ');
    const placeholders = columns.map((c, i) => driver.createParameter(c.databaseName, i)).join(', ');
    const sql = `INSERT INTO ${tableOf(dataSource, metadata)} (${names}) VALUES (${placeholders})`;
    statements.set(metadata, (insert = { statement: PreparedStatement.for(dataSource, sql), columns }));
  }
  return insert;
}

/** `SELECT <every column> FROM <table> WHERE <where>`, `where` in the driver's placeholders: rows for `hydrate`. */
export function selectWhere(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, where: string): PreparedStatement {
  const metadata = dataSource.getMetadata(entity);
  return PreparedStatement.for(dataSource, `SELECT ${selectList(dataSource, entity, 't', '')} FROM ${tableOf(dataSource, metadata)} t WHERE ${where}`);
}
