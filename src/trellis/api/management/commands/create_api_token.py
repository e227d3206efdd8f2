from django.core.management.base import BaseCommand, CommandError

from trellis.api.models import ApiToken
from trellis.people.selectors import person_by_username


class Command(BaseCommand):
    help = "Issue an API bearer token for an account; the token is printed once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="script", help="What the token is for.")

    def handle(self, *args, **opts):
        user = person_by_username(opts["username"])
        if user is None:
            raise CommandError(f"No account named {opts['username']!r}.")
        _, raw = ApiToken.issue(user=user, name=opts["name"])
        self.stdout.write(raw)
