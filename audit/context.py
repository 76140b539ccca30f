"""The request that is being served, so services can record the IP without every caller passing it."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
