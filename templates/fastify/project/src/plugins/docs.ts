// OpenAPI generated from the routes' Zod schemas, at /openapi.json; Swagger UI at /docs.
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

export default fp(
  async (app: FastifyInstance, options: { title: string; description: string }) => {
    await app.register(swagger, {
      openapi: {
        info: { title: options.title, description: options.description, version: "1.0.0" },
        components: {
          securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
        },
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: "/docs" });
    app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
  },
  { name: "docs" },
);
