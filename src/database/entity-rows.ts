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

const storedColumns = new WeakMap<EntityMetadata, ColumnMetadata[]>();

/** Every stored column once (a relation's join column and its own property are one column); worked out once per entity. */
function columnsOf(metadata: EntityMetadata): ColumnMetadata[] {
  let columns = storedColumns.get(metadata);
  if (!columns) {
    const seen = new Set<string>();
    storedColumns.set(
      metadata,
      (columns = metadata.columns.filter((c) => !c.isVirtual && !seen.has(c.databaseName) && seen.add(c.databaseName))),
    );
  }
  return columns;
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
const insertStatements = perDataSource(() => new Map<EntityMetadata, InsertStatement>());

/**
 * INSERT of one row with every column given (no defaults, no follow-up SELECT of generated columns), prepared once
 * per entity: the callers make their ids and timestamps themselves. A missing column is a programming error.
 */
export async function insertRow<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  values: Partial<T>,
): Promise<void> {
  const dataSource = manager.connection;
  const { statement, columns } = insertStatementOf(dataSource, dataSource.getMetadata(entity));
  await statement.rows(valuesOf(dataSource, columns, values), manager);
}

const insertsUnlessTaken = perDataSource(() => new Map<string, PreparedStatement>());

/**
 * insertRow, except that a row whose `property` value another row holds is not written (`ON CONFLICT (column) DO
 * NOTHING`, PostgreSQL and SQLite alike): false then. For a unique value the caller can replace, such as a username,
 * where meeting the index would abort the whole transaction; any other unique column still fails the INSERT.
 */
export async function insertRowUnlessTaken<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  values: Partial<T>,
  property: keyof T & string,
): Promise<boolean> {
  const dataSource = manager.connection;
  const metadata = dataSource.getMetadata(entity);
  const { statement, columns } = insertStatementOf(dataSource, metadata);
  const statements = insertsUnlessTaken(dataSource);
  const key = `${metadata.tableName}.${property}`;
  let unlessTaken = statements.get(key);
  if (!unlessTaken) {
    const { driver } = dataSource;
    const column = metadata.findColumnWithPropertyName(property)!;
    const primary = metadata.primaryColumns[0];
    const sql = `${statement.sql} ON CONFLICT (${driver.escape(column.databaseName)}) DO NOTHING RETURNING ${driver.escape(primary.databaseName)}`;
    statements.set(key, (unlessTaken = PreparedStatement.for(dataSource, sql)));
  }
  return (await unlessTaken.rows(valuesOf(dataSource, columns, values), manager)).length > 0;
}

/** One row for `insertRows`. */
export interface RowInsert<T extends ObjectLiteral = ObjectLiteral> {
  entity: EntityTarget<T>;
  values: Partial<T>;
}

const combinedInserts = perDataSource(() => new Map<string, PreparedStatement>());

/**
 * Several rows, into one table or several, as one statement on PostgreSQL: each INSERT but the last becomes a
 * data-modifying CTE (`WITH w0 AS (INSERT …) INSERT …`), which PostgreSQL runs in full, so N rows cost one round
 * trip instead of N. SQLite has no such CTEs, and runs in this process where a statement costs no round trip: one
 * `insertRow` each there.
 */
export async function insertRows(manager: EntityManager, rows: RowInsert[]): Promise<void> {
  const dataSource = manager.connection;
  if (dataSource.options.type !== 'postgres' || rows.length < 2) {
    for (const row of rows) await insertRow(manager, row.entity, row.values);
    return;
  }
  const inserts = rows.map((row) => insertStatementOf(dataSource, dataSource.getMetadata(row.entity)));
  const params = rows.flatMap((row, i) => valuesOf(dataSource, inserts[i].columns, row.values));
  await combinedInsertOf(dataSource, inserts).rows(params, manager);
}

function combinedInsertOf(dataSource: DataSource, inserts: InsertStatement[]): PreparedStatement {
  const statements = combinedInserts(dataSource);
  const key = inserts.map((insert) => insert.statement.sql).join('\n');
  let combined = statements.get(key);
  if (!combined) {
    let offset = 0;
    const sqls = inserts.map(({ statement, columns }) => {
      const shift = offset;
      offset += columns.length;
      // Placeholders are numbered per statement ($1…); identifiers are quoted and values are parameters, so `$n` is never data.
      return statement.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
    });
    const last = sqls.pop()!;
    statements.set(
      key,
      (combined = PreparedStatement.for(dataSource, `WITH ${sqls.map((sql, i) => `w${i} AS (${sql})`).join(', ')} ${last}`)),
    );
  }
  return combined;
}

/** The row's values in the statement's column order, each through the driver's conversion. */
function valuesOf(dataSource: DataSource, columns: ColumnMetadata[], values: object): unknown[] {
  const source = values as Record<string, unknown>;
  return columns.map((column) => {
    const value = source[column.propertyName];
    if (value === undefined) throw new Error(`insertRow(${column.entityMetadata.tableName}) needs a value for ${column.propertyName}`);
    return dataSource.driver.preparePersistentValue(value, column) as unknown;
  });
}

function insertStatementOf(dataSource: DataSource, metadata: EntityMetadata): InsertStatement {
  const statements = insertStatements(dataSource);
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
  return PreparedStatement.for(
    dataSource,
    `SELECT ${selectList(dataSource, entity, 't', '')} FROM ${tableOf(dataSource, metadata)} t WHERE ${where}`,
  );
}
