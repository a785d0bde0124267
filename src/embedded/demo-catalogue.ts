import type { PrismaClient } from '../db/prisma-client';

/** A few courses and students so that a fresh stack has something to sell. */
export const DEMO_COURSES = [
  { id: 'course_typescript', title: 'TypeScript in Depth', priceAmount: 4900, currency: 'usd' },
  { id: 'course_temporal', title: 'Durable Workflows with Temporal', priceAmount: 7900, currency: 'usd' },
  { id: 'course_postgres', title: 'PostgreSQL for Application Developers', priceAmount: 3900, currency: 'eur' },
] as const;

export const DEMO_STUDENTS = Array.from({ length: 5 }, (_, i) => ({
  id: `student_demo_${i + 1}`,
  email: `student${i + 1}@example.test`,
  name: `Demo Student ${i + 1}`,
}));

/** Seeds the demo catalogue when the catalogue is empty; returns whether it did. */
export async function seedDemoCatalogueIfEmpty(prisma: PrismaClient): Promise<boolean> {
  if ((await prisma.course.count()) > 0) return false;
  await prisma.course.createMany({ data: [...DEMO_COURSES], skipDuplicates: true });
  await prisma.student.createMany({ data: DEMO_STUDENTS, skipDuplicates: true });
  return true;
}
