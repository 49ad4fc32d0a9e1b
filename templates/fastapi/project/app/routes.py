"""Every resource's router, under /api/v1. Rendered by scaffold from specs/."""

from fastapi import APIRouter

api_router = APIRouter(prefix="/api/v1")
