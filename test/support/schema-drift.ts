import { readFileSync } from 'node:fs';
import path from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import type { Client } from 'pg';

/** The parts of Prisma's DMMF the drift check reads. */
export interface Dmmf {
  datamodel: {
    enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
    models: {
      name: string;
      dbName: string | null;
      fields: {
        name: string;
        dbName?: string | null;
        kind: 'scalar' | 'enum' | 'object' | 'unsupported';
        type: string;
        isRequired: boolean;
        isList: boolean;
        nativeType?: [string, string[]] | null;
        default?: unknown;
        relationFromFields?: string[];
        relationToFields?: string[];
      }[];
    }[];
    indexes: { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: { name: string }[] }[];
  };
}

/** The DMMF of the schema the generated client was built from. */
export function loadDmmf(schemaPath = path.resolve(__dirname, '..', '..', 'prisma', 'schema.prisma')): Dmmf {
  return JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: readFileSync(schemaPath, 'utf8') }))) as Dmmf;
}

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  character_maximum_length: number | null;
  column_default: string | null;
}
interface IndexRow {
  table_name: string;
  is_unique: boolean;
  is_primary: boolean;
  columns: string[];
}

const EXPECTED_PG_TYPE: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Boolean: 'bool',
  DateTime: 'timestamp',
  Float: 'float8',
  Json: 'jsonb',
};
const NATIVE_PG_TYPE: Record<string, string> = {
  VarChar: 'varchar',
  Uuid: 'uuid',
  Text: 'text',
  Timestamptz: 'timestamptz',
};
// Defaults Prisma writes into the database; others (uuid(), cuid()) are filled in by the client.
const DATABASE_DEFAULTS = new Set(['now', 'autoincrement', 'dbgenerated', 'sequence']);

/**
 * Compares a database with a Prisma schema and lists every difference: missing or extra tables and
 * columns, types, nullability, database defaults, enums and their values, primary keys, unique
 * constraints, indexes and foreign keys. An empty list means the migrations build exactly the schema.
 */
export async function findSchemaDrift(dmmf: Dmmf, db: Client): Promise<string[]> {
  const drift: string[] = [];
  const { rows: columns } = await db.query<ColumnRow>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, character_maximum_length, column_default
       FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  const { rows: indexes } = await db.query<IndexRow>(
    `SELECT t.relname AS table_name, i.indisunique AS is_unique, i.indisprimary AS is_primary,
            array_agg(a.attname ORDER BY k.ord)::text[] AS columns
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary`,
  );
  const { rows: enumRows } = await db.query<{ name: string; labels: string[] }>(
    `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
  );
  const { rows: foreignKeys } = await db.query<{
    table_name: string;
    columns: string[];
    ref_table: string;
    ref_columns: string[];
  }>(
    `SELECT c.conrelid::regclass::text AS table_name, c.confrelid::regclass::text AS ref_table,
            ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY o)::text[] AS columns,
            ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY o)::text[] AS ref_columns
       FROM pg_constraint c WHERE c.contype = 'f'`,
  );

  const enumsByName = new Map(dmmf.datamodel.enums.map((e) => [e.name, e]));
  for (const schemaEnum of dmmf.datamodel.enums) {
    const dbName = schemaEnum.dbName ?? schemaEnum.name;
    const found = enumRows.find((row) => row.name === dbName);
    const expected = schemaEnum.values.map((value) => value.dbName ?? value.name);
    if (!found) drift.push(`enum ${dbName} is missing`);
    else if (found.labels.join(',') !== expected.join(','))
      drift.push(`enum ${dbName} has values [${found.labels.join(', ')}], schema says [${expected.join(', ')}]`);
  }

  const tableOf = new Map(dmmf.datamodel.models.map((model) => [model.name, model.dbName ?? model.name]));
  const columnOf = (modelName: string, fieldName: string): string => {
    const model = dmmf.datamodel.models.find((m) => m.name === modelName);
    const field = model?.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };
  const sameColumns = (a: string[], b: string[]): boolean => a.join(',') === b.join(',');

  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    const tableColumns = columns.filter((column) => column.table_name === table);
    if (tableColumns.length === 0) {
      drift.push(`table ${table} (model ${model.name}) is missing`);
      continue;
    }
    const scalarFields = model.fields.filter((field) => field.kind === 'scalar' || field.kind === 'enum');
    for (const field of scalarFields) {
      const columnName = field.dbName ?? field.name;
      const column = tableColumns.find((c) => c.column_name === columnName);
      const where = `${table}.${columnName}`;
      if (!column) {
        drift.push(`column ${where} (${model.name}.${field.name}) is missing`);
        continue;
      }
      const expectedType =
        field.kind === 'enum'
          ? (enumsByName.get(field.type)?.dbName ?? field.type)
          : field.nativeType
            ? NATIVE_PG_TYPE[field.nativeType[0]]
            : EXPECTED_PG_TYPE[field.type];
      const expectedUdt = field.isList ? `_${expectedType}` : expectedType;
      if (column.udt_name !== expectedUdt)
        drift.push(`column ${where} is ${column.udt_name}, schema says ${expectedUdt}`);
      if (field.nativeType?.[0] === 'VarChar' && field.nativeType[1][0] !== undefined) {
        const length = Number(field.nativeType[1][0]);
        if (column.character_maximum_length !== length)
          drift.push(`column ${where} has length ${String(column.character_maximum_length)}, schema says ${length}`);
      }
      if ((column.is_nullable === 'NO') !== field.isRequired)
        drift.push(
          `column ${where} is ${column.is_nullable === 'NO' ? 'NOT NULL' : 'nullable'}, schema says ${field.isRequired ? 'required' : 'optional'}`,
        );
      const defaultName =
        field.default && typeof field.default === 'object' && 'name' in field.default
          ? String(field.default.name)
          : undefined;
      const wantsDatabaseDefault =
        field.default !== undefined && (defaultName === undefined || DATABASE_DEFAULTS.has(defaultName));
      if (wantsDatabaseDefault !== (column.column_default !== null))
        drift.push(
          `column ${where} ${column.column_default === null ? 'has no' : 'has a'} database default, schema ${wantsDatabaseDefault ? 'has one' : 'has none'}`,
        );
    }
    const known = new Set(scalarFields.map((field) => field.dbName ?? field.name));
    for (const column of tableColumns) {
      if (!known.has(column.column_name))
        drift.push(`column ${table}.${column.column_name} exists but the schema has no such field`);
    }

    for (const field of model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)) {
      const from = (field.relationFromFields ?? []).map((name) => columnOf(model.name, name));
      const refTable = tableOf.get(field.type) ?? field.type;
      const to = (field.relationToFields ?? []).map((name) => columnOf(field.type, name));
      const found = foreignKeys.some(
        (fk) =>
          fk.table_name === table &&
          fk.ref_table === refTable &&
          sameColumns(fk.columns, from) &&
          sameColumns(fk.ref_columns, to),
      );
      if (!found) drift.push(`foreign key ${table}(${from.join(', ')}) -> ${refTable}(${to.join(', ')}) is missing`);
    }
  }

  for (const index of dmmf.datamodel.indexes) {
    const table = tableOf.get(index.model) ?? index.model;
    const cols = index.fields.map((f) => columnOf(index.model, f.name));
    const match = indexes.find(
      (row) =>
        row.table_name === table &&
        sameColumns(row.columns, cols) &&
        (index.type === 'id'
          ? row.is_primary
          : index.type === 'unique'
            ? row.is_unique && !row.is_primary
            : !row.is_unique),
    );
    if (!match)
      drift.push(
        `${index.type === 'id' ? 'primary key' : `${index.type} index`} on ${table}(${cols.join(', ')}) is missing`,
      );
  }

  const modelTables = new Set(tableOf.values());
  for (const table of new Set(columns.map((c) => c.table_name))) {
    if (!modelTables.has(table) && table !== '_prisma_migrations')
      drift.push(`table ${table} exists but the schema has no such model`);
  }
  return drift;
}
