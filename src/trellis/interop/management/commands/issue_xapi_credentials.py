"""``trellis issue-xapi-credentials --school CODE --name TOOL``: a key and
secret for one outside tool to post xAPI statements with. The secret is
printed once; Trellis keeps only its digest."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from trellis.interop.xapi.credentials import credential_issue
from trellis.people.selectors import school_by_code

NO_SCHOOL = "No school with the code {code!r}."


class Command(BaseCommand):
    help = "Issue an xAPI key and secret for one tool of one school."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="The school's code.")
        parser.add_argument("--name", required=True, help="The tool's name.")

    def handle(self, *args, school: str, name: str, **options):
        found = school_by_code(school)
        if found is None:
            raise CommandError(NO_SCHOOL.format(code=school))
        try:
            credential, secret = credential_issue(school=found, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages))
        self.stdout.write(f"key: {credential.key}\nsecret: {secret}\n")
        self.stdout.write("Keep the secret now: Trellis stores only its digest.\n")
