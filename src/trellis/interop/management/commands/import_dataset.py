"""``trellis import-dataset --format dkt|assistments|datashop FILE --class NAME``:
load a public response log into a class (learners, competencies, evidence,
mastery). See docs/exports.md (data sets)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from trellis.engine import datasets
from trellis.interop.datasets import dataset_import
from trellis.people.selectors import classes_named

NO_CLASS = "No class named {name!r}{where}."
TWO_CLASSES = "{count} classes are named {name!r}; add --school CODE to pick one."


class Command(BaseCommand):
    help = "Load a DKT, ASSISTments or DataShop response log into a class."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=datasets.FORMATS)
        parser.add_argument("--class", dest="class_name", required=True)
        parser.add_argument("--school", help="The school's code, when class names repeat.")
        parser.add_argument("--max-learners", type=int, help="Load only the first N learners.")

    def handle(self, *args, file, format, class_name, school, max_learners, **options):
        classes = classes_named(class_name, school or "")
        found = list(classes[:3])
        if not found:
            where = f" at {school}" if school else ""
            raise CommandError(NO_CLASS.format(name=class_name, where=where))
        if len(found) > 1:
            raise CommandError(TWO_CLASSES.format(count=classes.count(), name=class_name))
        try:
            summary = dataset_import(
                path=file, format=format, school_class=found[0], max_learners=max_learners
            )
        except (OSError, ValueError) as error:
            raise CommandError(str(error))
        self.stdout.write(json.dumps(summary.as_dict()) + "\n")
