from django.apps import AppConfig


class DifferentiationConfig(AppConfig):
    name = "trellis.differentiation"
    label = "differentiation"
    verbose_name = "Differentiation"

    def ready(self) -> None:
        """Evidence sits below differentiation, so it learns who is in a group
        through the directory registered here (trellis.evidence.groups)."""
        from trellis.differentiation import selectors
        from trellis.evidence.groups import GroupDirectory, register_group_directory

        register_group_directory(
            GroupDirectory(
                members=selectors.group_member_ids,
                containing=selectors.groups_containing,
                containing_each=selectors.groups_containing_each,
                describe=selectors.group_described,
            )
        )
