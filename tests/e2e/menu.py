"""Following a link of the header's menu as a person would: open the group
that holds it (teacher's and admin's links sit in groups) and click it."""

from __future__ import annotations


def follow_menu(page, name: str, exact: bool = False) -> None:
    nav = page.get_by_role("navigation", name="Main")
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    link = nav.get_by_role("link", name=name, exact=exact).first
    if not link.is_visible():
        # A closed group's links are hidden, and roles skip hidden elements.
        hidden_link = page.get_by_role("link", name=name, exact=exact, include_hidden=True)
        group = nav.locator(".menu-group").filter(has=hidden_link)
        group.first.locator(".menu-group-toggle").click()
    link.click()
