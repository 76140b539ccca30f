"""The demo province: the real appendix, moved in time, and months of work replayed through the services."""
