"""The exact refusal for each way a CASE package can be misshapen: one
fault per file, the message built here from the module's constants with the
culprit the test put there (these pin the messages across the move of the
shape checks to pydantic models)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.curriculum.case_sample import DOC, sample_package
from trellis.curriculum import case
from trellis.curriculum.models import Framework

pytestmark = pytest.mark.django_db


def _set(path, value):
    def mutate(package):
        target = package
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(path):
    def mutate(package):
        target = package
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


CASES = [
    (_drop(["CFDocument"]), case.MALFORMED.format(problem="there is no CFDocument object")),
    (_set(["CFDocument"], "doc"), case.MALFORMED.format(problem="there is no CFDocument object")),
    (
        _set(["CFItems"], {"a": 1}),
        case.MALFORMED.format(problem="CFItems is not a list of objects"),
    ),
    (_set(["CFItems", 2], "s2"), case.MALFORMED.format(problem="CFItems is not a list of objects")),
    (
        _set(["CFAssociations"], None),
        case.MALFORMED.format(problem="CFAssociations is not a list of objects"),
    ),
    (
        _set(["CFAssociations", 0], 7),
        case.MALFORMED.format(problem="CFAssociations is not a list of objects"),
    ),
    (
        _drop(["CFDocument", "identifier"]),
        case.MISSING_FIELD.format(what="CFDocument", identifier="", field="identifier"),
    ),
    (
        _set(["CFDocument", "title"], "   "),
        case.MISSING_FIELD.format(what="CFDocument", identifier=DOC, field="title"),
    ),
    (
        _set(["CFDocument", "lastChangeDateTime"], "yesterday"),
        case.BAD_DATE.format(what="CFDocument", identifier=DOC, value="yesterday"),
    ),
    (
        _drop(["CFItems", 1, "identifier"]),
        case.MISSING_FIELD.format(what="CFItem", identifier="#2", field="identifier"),
    ),
    (
        _set(["CFItems", 1, "identifier"], 12),
        case.MISSING_FIELD.format(what="CFItem", identifier=12, field="identifier"),
    ),
    (
        _set(["CFItems", 2, "fullStatement"], ""),
        case.MISSING_FIELD.format(what="CFItem", identifier="s2", field="fullStatement"),
    ),
    (
        _set(["CFItems", 3, "educationLevel"], "06"),
        case.MISSING_FIELD.format(what="CFItem", identifier="s3", field="educationLevel list"),
    ),
    (
        _set(["CFItems", 0, "lastChangeDateTime"], "2025-13-45"),
        case.BAD_DATE.format(what="CFItem", identifier="d", value="2025-13-45"),
    ),
    (
        _drop(["CFAssociations", 2, "identifier"]),
        case.MISSING_FIELD.format(what="CFAssociation", identifier="#3", field="identifier"),
    ),
    (
        _drop(["CFAssociations", 4, "associationType"]),
        case.MISSING_FIELD.format(what="CFAssociation", identifier="p-12", field="associationType"),
    ),
    (
        _set(["CFAssociations", 5, "lastChangeDateTime"], "soon"),
        case.BAD_DATE.format(what="CFAssociation", identifier="p-23", value="soon"),
    ),
    (
        _set(["CFAssociations", 6, "originNodeURI"], "s1"),
        case.MISSING_FIELD.format(
            what="Association", identifier="peer-13", field="originNodeURI.identifier"
        ),
    ),
    (
        _drop(["CFAssociations", 6, "destinationNodeURI", "identifier"]),
        case.MISSING_FIELD.format(
            what="Association", identifier="peer-13", field="destinationNodeURI.identifier"
        ),
    ),
]


@pytest.mark.parametrize("mutate, expected", CASES)
def test_each_misshapen_package_is_refused_with_its_message(world, mutate, expected):
    package = sample_package()
    mutate(package)
    with pytest.raises(ValidationError) as exc:
        case.framework_import_case(data=package, school=world.school)
    assert exc.value.messages == [expected]
    assert not Framework.objects.filter(identifier=DOC).exists()


def test_the_top_level_must_be_an_object(world):
    with pytest.raises(ValidationError) as exc:
        case.framework_import_case(data="[1, 2]", school=world.school)
    assert exc.value.messages == [case.MALFORMED.format(problem="the top level is not an object")]


def test_absent_lists_and_dates_are_allowed(world):
    package = sample_package()
    del package["CFAssociations"]
    del package["CFDocument"]["lastChangeDateTime"]
    package["CFItems"][0]["lastChangeDateTime"] = ""
    framework = case.framework_import_case(data=package, school=world.school)
    assert framework.competencies.count() == len(package["CFItems"])
    assert framework.last_change is None
