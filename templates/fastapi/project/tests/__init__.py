"""Integration tests, run against SQLite or the database in DATABASE_URL."""
