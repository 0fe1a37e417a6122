"""The one Settings object (env prefix PLANQA_), built at each entry point and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vectorstore.chroma import ChromaTarget
from vectorstore.index import DenseText

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob of PlanQA. Example: PLANQA_DATA_DIR=/srv/planqa PLANQA_INDEX=test planqa ingest."""

    model_config = SettingsConfigDict(env_prefix="PLANQA_", env_file=None, extra="ignore")

    # Where state lives: <data_dir>/indexes/<index>/..., caches, feedback db.
    data_dir: Path = REPO_ROOT / "data"
    docs_dir: Path = REPO_ROOT / "docs_src"
    # Word lists staff edit without a release (ask cues, …): question/lexicon.py reads them.
    lexicon_dir: Path = REPO_ROOT / "lexicon"
    index: str = "default"
    # Vectors on a Chroma server shared by every worker and host (docs/deploy.md); unset: embedded
    # Chroma inside each index build. The token goes out as "Authorization: Bearer …" for the proxy
    # in front of the server (Chroma's own server checks none).
    chroma_host: str = ""
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    chroma_token: SecretStr = SecretStr("")
    chroma_ssl: bool = False
    embed_threads: int = 2
    # What the dense index embeds of a passage: "path" (title and section path first), "tag" (its
    # district first) or "passage". Measured by `python bench/ingest_speed.py` (bench/results/):
    # "tag" embeds 1.29x faster with gold recall kept, "passage" 1.43x but loses first-rank hits;
    # "path" stays the default because "tag" moved answers the test suite guards (docs/deploy.md).
    embed_text: DenseText = DenseText.PATH
    embed_batch: int = 64

    # Retrieval
    top_k: int = 5
    # The plans a question naming none is answered from (assistant/default_scope.py): plan ids or
    # place names, comma-separated ("东丽区,tianjin-primary"); empty: every plan of the index. A
    # request's own "scope" replaces it.
    default_scope: str = ""

    # Generation: "auto" = remote if PLANQA_LLM_BASE_URL is set, else the local model if available,
    # else extractive.
    llm_mode: Literal["auto", "remote", "local", "extractive"] = "auto"
    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")  # never shown: repr, logs and errors print ********
    llm_model: str = ""
    llm_gguf: Path | None = None
    llm_timeout: float = 60.0
    # The embedded model reads prompts at ~20 tokens/s on 2 cores: a grounded answer takes minutes
    # under load, so its deadline is its own.
    llm_local_timeout: float = 300.0
    llm_max_retries: int = 2
    llm_local_port: int = 8765
    llm_ctx: int = 4096
    llm_threads: int = 2
    # Which llama.cpp build serves the embedded model: llama-cpp-python (compiled here, ~2x faster
    # prompt reading) when installed, else xllamacpp's prebuilt wheel.
    llm_runtime: Literal["auto", "llama-cpp-python", "xllamacpp"] = "auto"
    # A fault drill for the embedded model: "sigill:llama-cpp-python" makes that runtime die with
    # SIGILL on its first generation, as a build using a forbidden instruction does, so staff (and
    # the slow tests) can see the fallback to the next runtime work on their own server.
    llm_fault_drill: str = ""

    # Service and UI
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # API worker processes: each loads the index itself (read-only files), so they share one build.
    api_workers: int = Field(default=1, ge=1, le=32)
    ui_port: int = 8501
    api_url: str = ""  # where the UI finds the API; default http://{api_host}:{api_port}
    admin_token: SecretStr = SecretStr("")
    # Browsers may call the API from these origins (comma-separated); default: the UI's own.
    cors_origins: str = ""
    # Feedback and the audit/question logs in one PostgreSQL database every API host shares
    # (postgresql://user:password@host:5432/dbname); empty: SQLite files in data_dir (one host).
    database_url: SecretStr = SecretStr("")
    # Questions as users typed them are kept this many days (0: none are kept); see assistant/audit.py.
    question_log_days: int = Field(default=30, ge=0, le=3650)
    max_question_chars: int = 2000
    max_upload_mb: int = 50

    log_level: str = Field(default="INFO")

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, v: SecretStr) -> SecretStr:
        from assistant.recordsdb import check_url

        check_url(v.get_secret_value())  # 'mysql://…' is refused at start, naming the fix
        return v

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "indexes" / self.index

    @property
    def chroma(self) -> ChromaTarget:
        return ChromaTarget(self.chroma_host.strip(), self.chroma_port, self.chroma_token.get_secret_value(),
                            self.chroma_ssl)

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @property
    def audit_db(self) -> Path:
        """The audit log of writes and the question log (assistant/audit.py)."""
        return self.data_dir / "audit.sqlite3"

    @property
    def allowed_origins(self) -> list[str]:
        if self.cors_origins.strip():
            return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]
        return [f"http://{self.api_host}:{self.ui_port}", f"http://localhost:{self.ui_port}"]

    @property
    def resolved_api_url(self) -> str:
        return self.api_url or f"http://{self.api_host}:{self.api_port}"
