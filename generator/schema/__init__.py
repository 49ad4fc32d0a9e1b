"""The database schema as plain data (the snapshot every stack's models and migrations read) and
the revisions between two snapshots."""
