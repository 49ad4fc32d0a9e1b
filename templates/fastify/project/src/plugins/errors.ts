// Every error answers in the envelope: the app's own, validation (422 naming the field),
// malformed or oversized bodies, unknown paths (404) and methods a path lacks (405, Allow).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import FindMyWay from "find-my-way";

import { type ErrorBody, failure } from "../utils/envelope.js";
import { AppError, codeOfStatus, type ErrorCode } from "../utils/errors.js";
import { chooseLanguage, translate } from "../utils/i18n.js";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

// Fastify's own error codes, by the answer the contract gives them.
const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ["BAD_REQUEST", "Malformed JSON body"],
  FST_ERR_CTP_EMPTY_JSON_BODY: ["BAD_REQUEST", "Malformed JSON body"],
  FST_ERR_CTP_BODY_TOO_LARGE: ["PAYLOAD_TOO_LARGE", "Request body too large"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ["UNSUPPORTED_MEDIA_TYPE", "Unsupported content type"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ["BAD_REQUEST", "Invalid Content-Length"],
};

export function send(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  const language = chooseLanguage(request.headers["accept-language"]);
  const body: ErrorBody = { code: error.code, message: translate(error.code, error.message, language) };
  if (error.details !== undefined) body.details = error.details;
  return reply.code(error.status).headers(error.headers).send(failure(body));
}

function asAppError(error: FastifyError, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext === "body" ? "" : `${error.validationContext ?? ""}.`;
    const details = error.validation.map((issue) => ({
      field: (where + issue.instancePath.slice(1).split("/").join(".")).replace(/\.$/, "") || "body",
      message: issue.message,
      type: issue.keyword,
    }));
    return new AppError("VALIDATION_ERROR", "Request validation failed", details);
  }
  if (error instanceof SyntaxError) return new AppError("BAD_REQUEST", "Malformed JSON body");
  const known = FASTIFY_CODES[error.code];
  if (known !== undefined) return new AppError(known[0], known[1]);
  const status = error.statusCode ?? 500;
  if (status < 500) return new AppError(codeOfStatus(status), error.message);
  request.log.error({ err: error }, "unhandled error");
  return new AppError("INTERNAL_ERROR", "Internal server error");
}

export default fp(
  (app: FastifyInstance) => {
    // A second router holding every route, to tell "no such path" from "no such method".
    const paths = new FindMyWay();
    app.addHook("onRoute", (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method !== "HEAD" && !paths.hasRoute(method, route.url)) {
          paths.on(method, route.url, () => undefined);
        }
      }
    });

    app.setErrorHandler((error: FastifyError, request, reply) => send(request, reply, asAppError(error, request)));

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split("?")[0] ?? "/";
      const allowed = METHODS.filter((method) => paths.find(method, path) !== null);
      if (allowed.length > 0) {
        const error = new AppError("METHOD_NOT_ALLOWED", "Method not allowed", undefined, {
          allow: allowed.join(", "),
        });
        return send(request, reply, error);
      }
      return send(request, reply, new AppError("NOT_FOUND", `No route ${request.method} ${path}`));
    });
  },
  { name: "errors" },
);
