import { ApplicationFailure } from '@temporalio/activity';
import { Prisma } from '../generated/prisma/client';
import { ERROR_TYPE } from '../shared/errors';

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Runs a database step. Two runs of the same idempotent upsert can race and one of them then hits the
 * unique constraint: running it again finds the other's row, so that is success, not failure. Other
 * database errors (connection lost, database restarting) become `DatabaseUnavailable` and are retried
 * with backoff; domain failures pass through.
 */
export async function databaseStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (error instanceof ApplicationFailure) throw error;
      if (isUniqueViolation(error) && attempt < 3) continue;
      const cause = error instanceof Error ? error : new Error(String(error));
      throw ApplicationFailure.create({
        type: ERROR_TYPE.DatabaseUnavailable,
        message: `${what}: ${cause.message}`,
        cause,
      });
    }
  }
}
