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

/**
 * The logger for the running activity, tagged with its workflow and activity ids; the plain logger when
 * the same code runs outside an activity (the benchmark's inline baseline).
 */
export function activityLogger(logger: Logger): Logger {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return logger;
  }
  return logger.child({
    workflowId: info.workflowExecution?.workflowId,
    runId: info.workflowExecution?.runId,
    activity: info.activityType,
    attempt: info.attempt,
  });
}
