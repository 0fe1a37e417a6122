"""The answer path's tuned numbers come from one file, checked when it is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.params import PARAMS_FILE, load_params
from vectorstore.errors import ConfigError


def test_the_committed_file_loads_with_every_number() -> None:
    p = load_params()
    assert 0 < p.gate.min_coverage < 1 and p.gate.nearby >= 1
    assert p.quote.support_boost > 1 and p.llm.local_sentences >= 1


@pytest.mark.parametrize(("edit", "message"), [
    (("min_coverage = 0.1", "min_coverage = -1"), "min_coverage = -1: must be a non-negative number"),
    (("nearby = 3", "nearby = 2.5"), "nearby = 2.5: must be a non-negative whole number"),
    (("nearby = 3", "nearby = 3\nneighbours = 4"), "unknown key(s) neighbours"),
    (("support_boost = 1.6\n", ""), "missing key(s) support_boost"),
    (("[llm]", "[model]"), "unknown table(s) model"),
    (("[gate]", "[gate"), "cannot read"),
])
def test_a_wrong_params_file_names_what_to_fix(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    text = PARAMS_FILE.read_text(encoding="utf-8")
    assert edit[0] in text
    bad = tmp_path / "params.toml"
    bad.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_params(bad)
    assert message in str(err.value)
