// The Prisma client, through the driver adapter of the database DATABASE_URL names.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";

import { PrismaClient } from "./generated/prisma/client.js";

export type Database = PrismaClient;

export function connect(databaseUrl: string): Database {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error("DATABASE_URL: only SQLite (file:...) is supported by this version of the template");
  }
  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: databaseUrl }) });
}
