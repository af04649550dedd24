"""Factories for the principles area."""

import itertools

from assurance.models import Rag
from principles.models import Assessment, EvidenceItem, Framework, SubPrinciple
from principles.services import framework_load
from tests.factories import make_organisation, make_period

_seq = itertools.count(1)


def make_framework(principles: int = 2, subs: int = 2, slug: str | None = None) -> Framework:
    n = next(_seq)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return framework_load(
        data={
            "slug": slug or f"framework-{n}",
            "name": f"Framework {n}",
            "edition": "2016",
            "principles": [
                {
                    "letter": letters[p],
                    "title": f"Principle title {letters[p]}",
                    "sub_principles": [
                        {
                            "title": f"Sub-principle {letters[p]}.{s + 1}",
                            "expected_behaviours": ["Behave well."],
                        }
                        for s in range(subs)
                    ],
                }
                for p in range(principles)
            ],
        }
    )


def make_assessment(
    *, sub_principle: SubPrinciple | None = None, owner=None, year=None, **fields
) -> Assessment:
    if sub_principle is None:
        sub_principle = SubPrinciple.objects.filter(principle__framework=make_framework(1, 1)).get()
    fields.setdefault("rag", Rag.GREEN)
    return Assessment.objects.create(
        owner=owner or make_organisation(),
        sub_principle=sub_principle,
        year=year or make_period(2017),
        **fields,
    )


def assess_framework(framework: Framework, *, owner, year, rag: str = Rag.GREEN, evidence: int = 1):
    """An assessment of every sub-principle of a framework, each with some evidence."""
    assessments = []
    for sub in SubPrinciple.objects.filter(principle__framework=framework):
        reason = "Because" if Rag.needs_reason(rag) else ""
        a = make_assessment(sub_principle=sub, owner=owner, year=year, rag=rag, rag_reason=reason)
        for n in range(evidence):
            make_evidence(a, text=f"Evidence {n + 1} for {sub.ref}", order=n + 1)
        assessments.append(a)
    return assessments


def make_evidence(assessment: Assessment, **fields) -> EvidenceItem:
    fields.setdefault("text", f"Evidence {next(_seq)}")
    return EvidenceItem.objects.create(assessment=assessment, **fields)
