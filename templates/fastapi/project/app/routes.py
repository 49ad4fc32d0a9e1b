"""Every resource's router, under /api/v1. Rendered by scaffold from specs/."""

from fastapi import APIRouter

from app.controllers import auth, users

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth.router)
api_router.include_router(users.router)

# Requests per client to these routes, from their resource's spec (`rate_limit`),
# instead of the configured defaults: (budget name, limit, routers).
ROUTE_LIMITS: list[tuple[str, str, list[APIRouter]]] = []
