// Evaluates the schema's x-kubernetes-validations rules with a CEL interpreter, so the
// rules the API server enforces are also checked before a manifest leaves the laptop.
// Only the Kubernetes CEL library functions our rules use are provided (list sum()).
import { Environment } from "@marcbachmann/cel-js";
import type { CelRule } from "../common/schema.js";
import type { JsonSchema } from "../common/define-crd.js";
import type { FieldError } from "./field-error.js";
import { fieldError, typeName } from "./field-error.js";
import type { Child } from "./walk.js";
import { childrenOf, isPlainObject } from "./walk.js";

type Program = (context: Record<string, unknown>) => unknown;

const environment = new Environment({ unlistedVariablesAreDyn: true }).registerFunction({
  name: "sum",
  receiverType: "list<int>",
  returnType: "int",
  params: [],
  handler: (items: bigint[]) => items.reduce((total, item) => total + item, 0n),
});

const programs = new Map<string, Program>();

/** Parses a rule once; a rule CEL cannot parse is a bug in our schema, so it throws. */
export function compileRule(rule: string): Program {
  let program = programs.get(rule);
  if (!program) {
    program = environment.parse(rule) as Program;
    programs.set(rule, program);
  }
  return program;
}

/** Transition rules compare with oldSelf and run only on update, where an old value exists. */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

export function checkRules(
  value: unknown,
  old: unknown,
  schema: JsonSchema,
  path: string,
): FieldError[] {
  const own = (schema["x-kubernetes-validations"] ?? []).flatMap((rule) =>
    checkRule(rule, { value, old, path }),
  );
  const nested = childrenOf(value, schema, path).flatMap((child) =>
    checkRules(child.value, correlate(old, child, schema), child.schema, child.path),
  );
  return [...own, ...nested];
}

interface Subject {
  value: unknown;
  old: unknown;
  path: string;
}

function checkRule(rule: CelRule, subject: Subject): FieldError[] {
  const transition = isTransitionRule(rule.rule);
  if (transition && subject.old === undefined) return [];
  const context: Record<string, unknown> = { self: toCel(subject.value) };
  if (transition) context.oldSelf = toCel(subject.old);
  let passed: unknown;
  try {
    passed = compileRule(rule.rule)(context);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return [
      fieldError(
        subject.path,
        "Invalid value",
        `rule "${rule.rule}" could not be evaluated: ${reason}`,
      ),
    ];
  }
  if (passed === true) return [];
  const field = subject.path + (rule.fieldPath ?? "");
  // The API server names the value's type, not the value, in a rule's error.
  return [fieldError(field, errorType(rule), `"${typeName(subject.value)}": ${rule.message}`)];
}

function errorType(rule: CelRule): FieldError["type"] {
  switch (rule.reason) {
    case "FieldValueForbidden":
      return "Forbidden";
    case "FieldValueRequired":
      return "Required value";
    case "FieldValueDuplicate":
      return "Duplicate value";
    default:
      return "Invalid value";
  }
}

/** Finds the old value that corresponds to a child: by property name, or by map keys in a list-map. */
function correlate(old: unknown, child: Child, parent: JsonSchema): unknown {
  if (old === undefined) return undefined;
  if (typeof child.key === "string") return isPlainObject(old) ? old[child.key] : undefined;
  if (parent["x-kubernetes-list-type"] !== "map" || !Array.isArray(old)) return undefined;
  const keys = parent["x-kubernetes-list-map-keys"] ?? [];
  const current = child.value as Record<string, unknown>;
  return old.find(
    (item: unknown) => isPlainObject(item) && keys.every((key) => item[key] === current[key]),
  );
}

/** CEL integers are 64-bit; our schemas have no floats, so every JSON number becomes a BigInt. */
function toCel(value: unknown): unknown {
  if (typeof value === "number") return BigInt(value);
  if (Array.isArray(value)) return value.map(toCel);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toCel(item)]));
  }
  return value;
}
