// Configuration from the environment, validated once at start-up: a bad value stops the
// process with a message naming it, and production refuses a missing or weak secret.
import { z } from "zod";

const MIN_SECRET_LENGTH = 32;
const DEVELOPMENT_SECRET = "development-secret-do-not-use-in-production-0123456789";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    HOST: z.string().min(1).default("127.0.0.1"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    DATABASE_URL: z.string().min(1).default("file:./app.db"),
    SECRET_KEY: z.string().optional(),
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((text) =>
        text
          .split(",")
          .map((origin) => origin.trim())
          .filter((origin) => origin !== ""),
      ),
    BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  })
  .transform((env, context) => {
    const secret = env.SECRET_KEY ?? (env.NODE_ENV === "production" ? "" : DEVELOPMENT_SECRET);
    if (env.NODE_ENV === "production" && (secret.length < MIN_SECRET_LENGTH || secret === DEVELOPMENT_SECRET)) {
      context.addIssue({
        code: "custom",
        path: ["SECRET_KEY"],
        message: `production needs a random SECRET_KEY of ${String(MIN_SECRET_LENGTH)}+ characters`,
      });
    }
    return {
      environment: env.NODE_ENV,
      host: env.HOST,
      port: env.PORT,
      logLevel: env.LOG_LEVEL,
      databaseUrl: env.DATABASE_URL,
      secretKey: secret,
      corsOrigins: env.CORS_ORIGINS,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
    };
  });

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {}

/** The configuration `env` describes; ConfigError lists every bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
