import express from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../db/prisma-client';
import { parseId, parseInput } from './validation';

const courseBody = z.object({
  title: z.string().trim().min(1).max(200),
  priceAmount: z.number().int("expected a whole number in the currency's minor unit").min(50).max(99_999_999),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 code such as usd')
    .transform((value) => value.toLowerCase()),
});
const studentBody = z.object({ email: z.email().max(320), name: z.string().trim().min(1).max(200) });

/** `PUT /courses/:id` and `PUT /students/:id`: the platform keeps this service's catalogue in sync. */
export function createCatalogueRouter(prisma: PrismaClient): express.Router {
  const router = express.Router();
  router.put('/courses/:id', async (req, res) => {
    const id = parseId(req.params.id, 'course id');
    const data = parseInput(courseBody, req.body);
    res.json(await prisma.course.upsert({ where: { id }, create: { id, ...data }, update: data }));
  });
  router.put('/students/:id', async (req, res) => {
    const id = parseId(req.params.id, 'student id');
    const data = parseInput(studentBody, req.body);
    res.json(await prisma.student.upsert({ where: { id }, create: { id, ...data }, update: data }));
  });
  return router;
}
