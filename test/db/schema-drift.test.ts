import { Client } from 'pg';
import { createMigratedDatabase, dropDatabase } from '../setup/test-database';
import { testEnv } from '../setup/test-env';
import { findSchemaDrift, loadDmmf, type Dmmf } from '../support/schema-drift';

describe('migrations against the Prisma schema', () => {
  let databaseUrl: string;
  let db: Client;

  beforeAll(async () => {
    databaseUrl = await createMigratedDatabase(testEnv('adminDatabaseUrl'));
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await dropDatabase(testEnv('adminDatabaseUrl'), databaseUrl);
  });

  test('when every migration is applied to an empty database, then it matches every model, field, index and enum', async () => {
    await expect(findSchemaDrift(loadDmmf(), db)).resolves.toEqual([]);
  });

  test('when the schema gains a field, an enum value and a unique constraint without a migration, then drift is reported', async () => {
    const dmmf: Dmmf = structuredClone(loadDmmf());
    const course = dmmf.datamodel.models.find((model) => model.name === 'Course');
    course?.fields.push({ name: 'slug', kind: 'scalar', type: 'String', isRequired: true, isList: false });
    dmmf.datamodel.enums.find((e) => e.name === 'EnrollmentStatus')?.values.push({ name: 'PAUSED' });
    dmmf.datamodel.indexes.push({ model: 'Student', type: 'unique', fields: [{ name: 'email' }] });

    const drift = await findSchemaDrift(dmmf, db);

    expect(drift).toEqual(
      expect.arrayContaining([
        'column courses.slug (Course.slug) is missing',
        'enum EnrollmentStatus has values [ACTIVE, REVOKED], schema says [ACTIVE, REVOKED, PAUSED]',
        'unique index on students(email) is missing',
      ]),
    );
  });

  test('when a field becomes optional in the schema only, then its nullability is reported', async () => {
    const dmmf: Dmmf = structuredClone(loadDmmf());
    const field = dmmf.datamodel.models.find((m) => m.name === 'Student')?.fields.find((f) => f.name === 'email');
    if (field) field.isRequired = false;

    await expect(findSchemaDrift(dmmf, db)).resolves.toEqual([
      'column students.email is NOT NULL, schema says optional',
    ]);
  });

  test('when the database has a column the schema lacks, then drift is reported', async () => {
    await db.query('ALTER TABLE students ADD COLUMN nickname TEXT');
    try {
      await expect(findSchemaDrift(loadDmmf(), db)).resolves.toEqual([
        'column students.nickname exists but the schema has no such field',
      ]);
    } finally {
      await db.query('ALTER TABLE students DROP COLUMN nickname');
    }
  });
});
