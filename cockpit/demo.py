"""Demo data for the cockpit (idempotent): the facts built from the demo issues' timelines and
the bulletins due today — made by the same code the beat runs, never written by hand."""

from __future__ import annotations

from cockpit import bulletins, facts


def seed(log=print) -> None:
    built = facts.rebuild_all()
    made = bulletins.bulletins_due()
    log(f"cockpit: {built['facts']} facts from {built['issues']} issues; {len(made)} bulletins")
