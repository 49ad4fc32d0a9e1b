// Every response body is {success, data, error, meta} (docs/conventions.md of scaffold).
import { z } from "zod";

export interface ErrorDetail {
  field: string;
  message: string;
  type: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: ErrorDetail[];
}

export interface Envelope<T> {
  success: boolean;
  data: T | null;
  error: ErrorBody | null;
  meta: Record<string, unknown> | null;
}

export function success<T>(data: T, meta: Record<string, unknown> | null = null): Envelope<T> {
  return { success: true, data, error: null, meta };
}

export function failure(error: ErrorBody): Envelope<null> {
  return { success: false, data: null, error, meta: null };
}

/** The schema of a successful response carrying `data` (for OpenAPI and serialisation). */
export function envelopeOf<T extends z.ZodType>(data: T) {
  return z.object({
    success: z.literal(true),
    data,
    error: z.null(),
    meta: z.record(z.string(), z.unknown()).nullable(),
  });
}

export const errorEnvelope = z.object({
  success: z.literal(false),
  data: z.null(),
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string(), type: z.string() })).optional(),
  }),
  meta: z.null(),
});
