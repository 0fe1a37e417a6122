"""Which sentences a follow-up asking for more was already given (made-up sentences)."""

from __future__ import annotations

from assistant.quote import was_told

TOLD = "甲地区以一号医院带动红星、光明街社区卫生服务中心的发展。"
SIBLINGS = ("甲地区以一号医院带动红星、光明街社区卫生服务中心的发展；",
            "乙地区以二号医院带动青山街社区卫生服务中心的发展；",
            "丙地区以三号医院带动绿水街社区卫生服务中心的发展。")


def test_a_sentence_written_like_the_one_told_is_not_told_when_its_own_words_were_not():
    other = SIBLINGS[1]
    assert was_told(other, TOLD)  # most of its pairs are the pattern the sentences share
    assert not was_told(other, TOLD, [s for s in SIBLINGS if s != other])
    assert was_told(SIBLINGS[0], TOLD, SIBLINGS[1:])


def test_a_lead_in_run_into_the_clause_told_is_told():
    merged = "（一）发挥区域优势，以专科、体检、康复等业务为重心，打造差异化能力" + SIBLINGS[0]
    assert was_told(merged, TOLD)
    assert not was_told("（一）发挥区域优势，以专科、体检、康复等业务为重心，打造差异化能力。", TOLD)


def test_a_list_the_answer_gave_part_of_is_not_told_but_one_it_gave_none_of_is_judged_whole():
    told = "提供预约诊疗、智能导医等线上服务。"
    assert not was_told("提供预约诊疗、智能导医、候诊提醒、移动支付等线上服务。", told)
    assert was_told("以专科、体检、康复等业务为重心，" + TOLD, TOLD)
