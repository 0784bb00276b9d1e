// Every custom resource kind kubetune serves, in the order they are documented.
import type { DefinedCrd } from "./common/define-crd.js";
import { fineTuneJobCrd } from "./finetunejob/v1alpha1/index.js";
import { inferenceRouteCrd } from "./inferenceroute/v1alpha1/index.js";
import { modelVersionCrd } from "./modelversion/v1alpha1/index.js";

export const crds: readonly DefinedCrd[] = [fineTuneJobCrd, modelVersionCrd, inferenceRouteCrd];
