"""Database access: one repository per resource."""
