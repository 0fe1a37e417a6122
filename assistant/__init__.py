"""The answering pipeline, CLI and HTTP API of PlanQA (规划问答)."""
