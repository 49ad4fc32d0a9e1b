"""Every resource's router, under /api/v1. Rendered by scaffold from specs/."""

from fastapi import APIRouter

from app.controllers import auth

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth.router)
