"""PlanQA's errors. Messages name the bad value and say what to do; edges translate them."""

from __future__ import annotations


class PlanQAError(Exception):
    """Base of every error PlanQA raises on purpose."""


class ConfigError(PlanQAError):
    """A setting is missing or has a value that cannot work."""


class LoadError(PlanQAError):
    """A file could not be read as a plan document."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFormatError(LoadError):
    pass


class EmptyDocumentError(LoadError):
    pass


class NoTextLayerError(LoadError):
    pass


class IndexMissingError(PlanQAError):
    """No index has been built yet at the configured data directory."""


class IndexDamagedError(PlanQAError):
    """The live index build cannot be opened: half-copied, damaged, or missing a part."""


class StorageError(PlanQAError):
    """A new index build could not be written (no space left, a read-only volume); the old one serves."""


class NotFoundError(PlanQAError):
    """A document or chunk id that the index does not hold."""


class ModelError(PlanQAError):
    """A model file is missing, corrupt or fails its checksum."""


class GeneratorError(PlanQAError):
    """The LLM endpoint failed: unreachable, timed out, or returned something unusable."""


class BadRequestError(PlanQAError):
    """A request or input file that cannot be processed as given."""


class StoreUnavailableError(PlanQAError):
    """The Chroma server that holds the vectors does not answer (or refuses our token)."""


class EmbeddingMismatchError(IndexDamagedError):
    """A collection holds vectors of another embedding model or dimension; it is left untouched."""
