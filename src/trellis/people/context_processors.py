from __future__ import annotations

from django.http import HttpRequest

from trellis.people.menus import menu_for


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": set(), "site_menu": []}
    return {"my_roles": user.role_set(), "site_menu": menu_for(user, request.path)}
