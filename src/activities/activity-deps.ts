import { Context } from '@temporalio/activity';
import type Stripe from 'stripe';
import type { PrismaClient } from '../db/prisma-client';
import type { Logger } from '../logger';

/** What the activities are built from; the worker entry point builds each once. */
export interface ActivityDeps {
  stripe: Stripe;
  prisma: PrismaClient;
  logger: Logger;
}

/** The logger for the running activity, tagged with its workflow and activity ids. */
export function activityLogger(logger: Logger): Logger {
  const info = Context.current().info;
  return logger.child({
    workflowId: info.workflowExecution?.workflowId,
    runId: info.workflowExecution?.runId,
    activity: info.activityType,
    attempt: info.attempt,
  });
}
