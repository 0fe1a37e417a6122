"""`python -m assistant.api`: serve the API with settings from the PLANQA_* environment."""

from assistant.api import serve
from assistant.settings import Settings

if __name__ == "__main__":
    serve(Settings())
