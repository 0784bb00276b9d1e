// Entry of the model worker thread: the service is TypeScript run by tsx, and a worker
// thread starts without the parent's loader, so register tsx here, then load the worker.
import { register } from "tsx/esm/api";

register();
await import("./session-worker.ts");
