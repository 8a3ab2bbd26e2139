/**
 * Reading caller-supplied objects by their own properties only. A property
 * inherited from a polluted `Object.prototype` (say `Object.prototype.sni`, or
 * `Object.prototype.tls = { ca }`) must never change what a socket verifies or
 * trusts (issue 9, defect 3), so options and addresses are copied through
 * these before anything reads them.
 */

/** The own enumerable string-keyed properties of `value`, in a record with no prototype. */
export function ownProperties(value: object): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) copy[key] = (value as Record<string, unknown>)[key];
  return copy;
}

const isOwnEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * One own enumerable property of `value`, or undefined: what
 * `ownProperties(value)[key]` holds, without copying every property into a
 * prototype-less object (a dictionary-mode object and a key array per call;
 * the address form needs two fields, on every connect: apps/bench
 * FINDINGS.md, change 42).
 */
export function ownProperty(value: object, key: string): unknown {
  return isOwnEnumerable.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The elements of an array as a plain array. A hole is reported as
 * `undefined`, never filled from `Array.prototype` or `Object.prototype`.
 */
export function ownElements(value: readonly unknown[]): unknown[] {
  const length = value.length;
  const copy = new Array<unknown>(length);
  for (let i = 0; i < length; i++) copy[i] = Object.hasOwn(value, i) ? value[i] : undefined;
  return copy;
}
