// Every failure leaves as `{"error": "..."}` with a status that says whose fault it was.
import type { ErrorRequestHandler, RequestHandler } from "express";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  message?: unknown;
}

/** body-parser's failures (too large, bad JSON, bad charset) as our errors. */
function fromBodyParser(error: BodyParserError, limit: number): HttpError | undefined {
  switch (error.type) {
    case "entity.too.large":
      return new HttpError(413, `request body is larger than the limit of ${limit} bytes`);
    case "entity.parse.failed":
      return new HttpError(400, `request body is not valid JSON: ${String(error.message)}`);
    case "charset.unsupported":
    case "encoding.unsupported":
      return new HttpError(415, String(error.message));
    default:
      return undefined;
  }
}

export function errorHandler(limit: number, log: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = error instanceof HttpError ? error : fromBodyParser(error ?? {}, limit);
    if (!known) log(error);
    const status = known?.status ?? 500;
    res.status(status).json({ error: known?.message ?? `internal error: ${String(error)}` });
  };
}

export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is("application/json")) {
    throw new HttpError(
      415,
      `content-type must be application/json, not "${req.headers["content-type"] ?? "none"}"`,
    );
  }
  next();
};

export const notFound: RequestHandler = (req) => {
  throw new HttpError(404, `no route ${req.method} ${req.path}`);
};
