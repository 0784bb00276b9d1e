// @kubetune/api: the kubetune.io/v1alpha1 API and the contracts between kubetune's parts.
export * from "./common/condition.js";
export * from "./common/define-crd.js";
export type * from "./common/kube-object.js";
export * from "./config/gpu-pools.js";
export * from "./contracts/artifact-fetch.js";
export * from "./contracts/classify.js";
export * from "./contracts/routing-table.js";
export * from "./contracts/trainer.js";
export * from "./finetunejob/v1alpha1/index.js";
export * from "./inferenceroute/v1alpha1/index.js";
export * from "./modelversion/v1alpha1/index.js";
export { crds } from "./registry.js";
export type { FieldError } from "./validation/field-error.js";
export { formatErrors, validateAgainstSchema, validateResource } from "./validation/validate.js";
