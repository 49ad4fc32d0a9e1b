// The contract's behaviour every route shares: the envelope, errors, headers, docs, config.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { ConfigError, loadConfig } from "../src/config.js";
import { testApp } from "./helpers.js";

let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp();
  // A route of the test's own, to see how bodies are refused.
  app.withTypeProvider<ZodTypeProvider>().post(
    "/echo",
    { schema: { body: z.strictObject({ name: z.string().min(2), age: z.number().int() }) } },
    (request) => ({ success: true, data: request.body, error: null, meta: null }),
  );
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe("health", () => {
  it("answers ok while the database answers", async () => {
    const response = await app.inject({ method: "GET", url: "/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      data: { status: "ok", database: "ok" },
      error: null,
      meta: null,
    });
  });
});

describe("errors in the envelope", () => {
  it("answers an unknown path with 404 NOT_FOUND", async () => {
    const response = await app.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ success: false, data: null, error: { code: "NOT_FOUND" }, meta: null });
  });

  it("answers a method the path lacks with 405 and Allow", async () => {
    const response = await app.inject({ method: "DELETE", url: "/health" });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("GET");
    expect(response.json()).toMatchObject({ success: false, error: { code: "METHOD_NOT_ALLOWED" } });
  });

  it("answers malformed JSON with 400 BAD_REQUEST", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "application/json" },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false, error: { code: "BAD_REQUEST" } });
  });

  it("answers an invalid body with 422 naming each field", async () => {
    const response = await app.inject({ method: "POST", url: "/echo", payload: { name: "x", age: "5" } });
    expect(response.statusCode).toBe(422);
    const body = response.json<{ error: { code: string; details: { field: string }[] } }>();
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.details.map((detail) => detail.field).sort()).toEqual(["age", "name"]);
  });

  it("refuses keys the body does not declare", async () => {
    const response = await app.inject({ method: "POST", url: "/echo", payload: { name: "xy", age: 5, extra: 1 } });
    expect(response.statusCode).toBe(422);
  });

  it("speaks Vietnamese when asked to", async () => {
    const response = await app.inject({
      method: "GET",
      url: "/nothing",
      headers: { "accept-language": "vi;q=0.9, en;q=0.8" },
    });
    expect(response.json<{ error: { message: string } }>().error.message).toBe("Không tìm thấy tài nguyên");
  });
});

describe("headers", () => {
  it("sends security headers and a request id", async () => {
    const response = await app.inject({ method: "GET", url: "/health" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps a client's plain request id and replaces any other", async () => {
    const kept = await app.inject({ method: "GET", url: "/health", headers: { "x-request-id": "abc-123" } });
    expect(kept.headers["x-request-id"]).toBe("abc-123");
    const replaced = await app.inject({ method: "GET", url: "/health", headers: { "x-request-id": "a b\tc" } });
    expect(replaced.headers["x-request-id"]).not.toBe("a b\tc");
  });
});

describe("docs", () => {
  it("serves OpenAPI generated from the routes", async () => {
    const response = await app.inject({ method: "GET", url: "/openapi.json" });
    expect(response.statusCode).toBe(200);
    const document = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain("/health");
  });

  it("serves Swagger UI", async () => {
    const response = await app.inject({ method: "GET", url: "/docs/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
  });
});

describe("configuration", () => {
  it("refuses to start in production without a strong secret", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production", SECRET_KEY: "short" })).toThrow(/SECRET_KEY/);
    expect(loadConfig({ NODE_ENV: "production", SECRET_KEY: "k".repeat(40) }).secretKey).toBe("k".repeat(40));
  });

  it("names a bad setting", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
  });
});
