// A fresh app per test file: its own SQLite database in the system's temporary folder.
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FastifyInstance } from "fastify";

import { buildApp } from "../src/app.js";
import { type Config, loadConfig } from "../src/config.js";

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_URL: process.env.DATABASE_URL ?? `file:${join(tmpdir(), `test-${randomUUID()}.db`)}`,
    ...overrides,
  });
}

export async function testApp(overrides: Record<string, string> = {}): Promise<FastifyInstance> {
  return buildApp({ config: testConfig(overrides) });
}
