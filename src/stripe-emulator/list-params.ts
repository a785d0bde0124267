import { invalidParam, resourceMissing } from './emulator-errors';

/** Stripe's list parameters: `limit`, `starting_after`, `ending_before`, `created[gte|gt|lte|lt]`. */
export interface ListQuery {
  limit?: unknown;
  starting_after?: unknown;
  ending_before?: unknown;
  created?: unknown;
}

function matchesCreated(created: number, filter: unknown): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'string') return created === Number(filter);
  if (typeof filter !== 'object' || filter === null) throw invalidParam('created', 'Invalid created filter.');
  const bounds = filter as Record<string, unknown>;
  const check = (key: string, test: (bound: number) => boolean): boolean => {
    if (bounds[key] === undefined) return true;
    const bound = Number(bounds[key]);
    if (!Number.isInteger(bound)) throw invalidParam(`created[${key}]`, 'Invalid integer.');
    return test(bound);
  };
  return (
    check('gte', (b) => created >= b) &&
    check('gt', (b) => created > b) &&
    check('lte', (b) => created <= b) &&
    check('lt', (b) => created < b)
  );
}

/**
 * Pages through items that are newest first, as Stripe does.
 *
 * @throws EmulatorError 400 for a bad limit or filter; 404 for a cursor that names no item of the list.
 */
export function paginate<T extends { id: string; created: number }>(
  items: T[],
  query: ListQuery,
  kind: string,
): { data: T[]; hasMore: boolean } {
  const limit = query.limit === undefined ? 10 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalidParam('limit', 'This value must be greater than or equal to 1 and less than or equal to 100.');
  }
  let filtered = items.filter((item) => matchesCreated(item.created, query.created));
  if (typeof query.starting_after === 'string') {
    const index = filtered.findIndex((item) => item.id === query.starting_after);
    if (index < 0) throw resourceMissing(kind, query.starting_after, 'starting_after');
    filtered = filtered.slice(index + 1);
  } else if (typeof query.ending_before === 'string') {
    const index = filtered.findIndex((item) => item.id === query.ending_before);
    if (index < 0) throw resourceMissing(kind, query.ending_before, 'ending_before');
    filtered = filtered.slice(Math.max(0, index - limit), index);
    return { data: filtered, hasMore: index - limit > 0 };
  }
  return { data: filtered.slice(0, limit), hasMore: filtered.length > limit };
}
