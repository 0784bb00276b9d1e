// FineTuneJob spec.output: where the run's artifact goes and the credentials to write it.
import { Type } from "@sinclair/typebox";
import { BoundedString, Enum, ObjectName, Struct, Uri } from "../../common/schema.js";

export const Output = Struct(
  {
    uri: Uri({ description: "Where the trainer writes the artifact." }),
    format: Enum(["gguf", "onnx", "safetensors"], {
      description: "Artifact format: gguf for the LLM runtime, onnx for the encoder runtime.",
    }),
    modelVersionName: Type.Optional(
      ObjectName({
        description: "Name of the ModelVersion created on success; default the FineTuneJob's name.",
      }),
    ),
    credentialsSecret: Type.Optional(
      BoundedString(253, {
        description:
          "Name of a Secret in the FineTuneJob's namespace whose keys become the training pod's environment: for an s3:// uri, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and optionally AWS_SESSION_TOKEN, AWS_REGION and AWS_ENDPOINT_URL (an S3-compatible store such as MinIO). Required for s3:// outputs: the operator does not start the run without it.",
        pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
      }),
    ),
  },
  {
    description:
      "What the run produces. uri is file://, pvc://<claim>/<path> or s3://<bucket>/<prefix>; with s3:// the trainer uploads the exported files, result.json and its checkpoints (under checkpoints/) there.",
  },
);
