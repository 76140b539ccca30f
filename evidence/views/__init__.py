from .files import download, preview, remove, upload
from .review import approve, approve_many, claim, queue, return_claim

__all__ = [
    "approve",
    "approve_many",
    "claim",
    "download",
    "preview",
    "queue",
    "remove",
    "return_claim",
    "upload",
]
