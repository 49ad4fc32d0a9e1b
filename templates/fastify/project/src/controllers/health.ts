// GET /health: 200 while the database answers, 503 (in the envelope) when it does not.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";

import type { Database } from "../database.js";
import { envelopeOf, errorEnvelope, success } from "../utils/envelope.js";
import { AppError } from "../utils/errors.js";

const healthy = z.object({ status: z.literal("ok"), database: z.literal("ok") });

export function healthRoutes(app: FastifyInstance, database: Database) {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/health",
    {
      schema: {
        tags: ["health"],
        summary: "Whether the service and its database answer",
        response: { 200: envelopeOf(healthy), 503: errorEnvelope },
      },
    },
    async () => {
      try {
        await database.$queryRaw`SELECT 1`;
      } catch {
        throw new AppError("SERVICE_UNAVAILABLE", "The database does not answer");
      }
      return success({ status: "ok" as const, database: "ok" as const });
    },
  );
}
