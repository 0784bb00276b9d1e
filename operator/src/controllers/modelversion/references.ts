// Which InferenceRoutes use a ModelVersion. A version is served exactly while some route
// references it and the route accepts the reference; both controllers decide with these
// functions, so a version a route refuses is never deployed for it.
import type { InferenceRoute, ModelVersion } from "@kubetune/api";

export interface Reference {
  /** The route, or in namedVersions the version it names. */
  name: string;
  /** The variant naming the version, or "cascade" for cascade.escalateTo. */
  role: string;
}

export const CASCADE_ROLE = "cascade";

/** Every version a route names: its variants' and the cascade's LLM. */
export function namedVersions(route: InferenceRoute): Reference[] {
  const variants = route.spec.variants.map((v) => ({ name: v.modelVersion, role: v.name }));
  const cascade = route.spec.cascade;
  return cascade ? [...variants, { name: cascade.escalateTo, role: CASCADE_ROLE }] : variants;
}

/**
 * An archived version cannot be newly referenced: a route keeps it only where its status
 * shows it already serving that role (archiving a version in use does not cut traffic).
 */
export function acceptsReference(route: InferenceRoute, role: string, mv: ModelVersion): boolean {
  if (mv.spec.stage !== "archived") return true;
  if (role === CASCADE_ROLE) return route.status?.cascade?.modelVersion === mv.metadata.name;
  return (route.status?.variants ?? []).some(
    (v) => v.name === role && v.modelVersion === mv.metadata.name && (v.weight ?? 0) > 0,
  );
}

/** The routes (same namespace) that reference the version and accept it. */
export function referencesTo(mv: ModelVersion, routes: readonly InferenceRoute[]): Reference[] {
  return routes.flatMap((route) =>
    namedVersions(route)
      .filter((ref) => ref.name === mv.metadata.name && acceptsReference(route, ref.role, mv))
      .map((ref) => ({ name: route.metadata.name, role: ref.role })),
  );
}
