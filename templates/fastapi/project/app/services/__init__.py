"""Business rules: one service per resource."""
