"""Which of several numbered runs in one passage a list question wants (made-up passages)."""

from __future__ import annotations

from assistant.listing import _wanted
from vectorstore.points import runs
from vectorstore.types import Chunk

TEXT = "全年做好“三件事”：（1）建好档案；（2）管好药品；（3）用好设备。同时落实“两个机制”：（1）月报；（2）年检。"


def _runs():
    chunk = Chunk("c0", "plan", ("二、任务",), TEXT)
    return runs([(0, TEXT)]), [chunk]


def test_the_run_as_long_as_the_count_asked_for_is_chosen():
    found, chunks = _runs()
    assert [p for _, p in _wanted("那两个机制分别是什么？", found, chunks)] == ["（1）月报；", "（2）年检。"]
    assert [p for _, p in _wanted("三件事是哪三件？", found, chunks)][0] == "（1）建好档案；"


def test_without_a_count_the_run_its_introduction_names_is_chosen():
    found, chunks = _runs()
    assert _wanted("落实的机制有哪些？", found, chunks)[0][1] == "（1）月报；"


def test_a_run_the_question_sets_aside_is_not_the_one_it_asks_for():
    found, chunks = _runs()
    # "除了三件事，…" names the other run's count; what is asked follows it.
    assert _wanted("除了这三件事，后面落实的机制都有哪些？", found, chunks)[0][1] == "（1）月报；"
    assert _wanted("除了两个机制以外，那三件事是哪些？", found, chunks)[0][1] == "（1）建好档案；"
