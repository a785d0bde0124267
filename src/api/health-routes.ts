import express from 'express';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma-client';
import type { ApiMetrics } from './api-metrics';

/** `/healthz` (process up), `/readyz` (database and Temporal reachable), `/metrics` (Prometheus). */
export function createHealthRouter(deps: {
  prisma: PrismaClient;
  client: Client;
  metrics: ApiMetrics;
}): express.Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const check = async (probe: () => Promise<unknown>): Promise<string> => {
      try {
        await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
        return 'ok';
      } catch (error) {
        return error instanceof Error ? error.message.slice(0, 200) : 'unreachable';
      }
    };
    const [database, temporal] = await Promise.all([
      check(() => deps.prisma.$queryRaw`SELECT 1`),
      check(() => deps.client.workflowService.getSystemInfo({})),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', database, temporal });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  return router;
}
