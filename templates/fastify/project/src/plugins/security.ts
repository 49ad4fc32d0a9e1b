// Security headers (helmet), CORS from configuration, and the request id every response
// and log line carries.
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

import type { Config } from "../config.js";

export default fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    // The docs page loads its script and styles from this server only.
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", "data:"], styleSrc: ["'self'", "'unsafe-inline'"] },
      },
    });
    await app.register(cors, {
      origin: options.config.corsOrigins,
      exposedHeaders: ["X-Request-ID", "Retry-After"],
    });
    app.addHook("onSend", async (request, reply) => {
      reply.header("X-Request-ID", request.id);
    });
  },
  { name: "security" },
);
