/**
 * A FineTuneJob spec the estimator cannot size: an unknown LoRA target module, a
 * malformed parameter count. A spec error, not a transient one: retrying cannot help.
 */
export class EstimatorInputError extends Error {
  override readonly name = "EstimatorInputError";

  /** The spec field at fault, e.g. "spec.lora.targetModules[2]". */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
