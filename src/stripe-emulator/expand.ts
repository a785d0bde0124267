import { invalidParam } from './emulator-errors';
import type { EmulatorStore } from './emulator-store';

// Fields that hold the id of another resource and may be expanded, by the kind of object that has them.
const EXPANDABLE: Record<string, readonly string[]> = {
  payment_intent: ['latest_charge', 'payment_method', 'customer'],
  charge: ['balance_transaction', 'payment_intent'],
  refund: ['balance_transaction', 'charge', 'payment_intent'],
  dispute: ['charge', 'payment_intent'],
  balance_transaction: ['source'],
};

/**
 * Applies Stripe's `expand[]` paths (nested with dots, `data.` on lists) to a serialized object.
 *
 * @throws EmulatorError 400 for a path that cannot be expanded, worded as Stripe words it; `charges` on a
 *   PaymentIntent is one, as on every API version since 2022-11-15.
 */
export function expandObject(
  store: EmulatorStore,
  object: Record<string, unknown>,
  paths: readonly string[],
): Record<string, unknown> {
  for (const path of paths) expandPath(store, object, path.split('.'), path);
  return object;
}

function expandPath(store: EmulatorStore, object: Record<string, unknown>, segments: string[], fullPath: string): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (object.object === 'list' && head === 'data') {
    for (const item of object.data as Record<string, unknown>[]) expandPath(store, item, rest, fullPath);
    return;
  }
  const allowed = EXPANDABLE[String(object.object)] ?? [];
  if (!allowed.includes(head)) {
    throw invalidParam(
      'expand',
      `This property cannot be expanded (${head}). You may want to try expanding 'data.${head}' instead.`,
    );
  }
  // A field this object's shape lacks (`latest_charge` in the legacy shape) has nothing to expand.
  if (!(head in object)) return;
  const value = object[head];
  if (typeof value === 'string') {
    const target = store.find(value);
    if (target) object[head] = store.serialize(target);
  }
  const expanded = object[head];
  if (rest.length > 0 && expanded && typeof expanded === 'object') {
    expandPath(store, expanded as Record<string, unknown>, rest, fullPath);
  }
}

/** Reads `expand[]=a&expand[]=b` (or `expand[0]=a`) as qs decodes it. */
export function readExpand(value: unknown): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? Object.values(value)
      : [value];
  return list.filter((item): item is string => typeof item === 'string');
}
