// JSON merge patches (RFC 7386) between two documents. A status is written as a merge
// patch so that only what changed travels, but a merge patch that merely omits a field
// leaves it in place on the server: a field the reconciler dropped must be sent as null.
type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/** The merge patch that turns `from` into `to`: changed fields, and null for removed ones. */
export function mergePatchBetween(from: Json, to: Json): Json {
  if (!isObject(from) || !isObject(to)) return to;
  const removed = Object.keys(from).filter((key) => to[key] === undefined);
  const changed = Object.entries(to).filter(
    ([key, value]) => value !== undefined && !same(from[key], value),
  );
  return Object.fromEntries([
    ...removed.map((key) => [key, null]),
    ...changed.map(([key, value]) => [key, mergePatchBetween(from[key], value)]),
  ]);
}

/** Applies a merge patch the way the API server does. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const base = isObject(target) ? target : {};
  const kept = Object.entries(base).filter(([key]) => !(key in patch));
  const patched = Object.entries(patch)
    .filter(([, value]) => value !== null)
    .map(([key, value]) => [key, applyMergePatch(base[key], value)]);
  return Object.fromEntries([...kept, ...patched]);
}
