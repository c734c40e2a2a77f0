"""The person's notification preferences: one row per kind, one checkbox per external channel."""

from __future__ import annotations

from django import forms

from notifications.models import PERSONAL_CHANNELS, Kind


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    def __init__(self, *args, matrix: dict[str, frozenset[str]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            for channel in PERSONAL_CHANNELS:
                self.fields[field_name(kind, channel)] = forms.BooleanField(
                    required=False,
                    initial=channel in matrix.get(kind, frozenset()),
                    label=f"{kind.label} · {channel.label}",
                )

    def rows(self):
        """(kind label, [bound field per channel]) for the template's table."""
        return [
            (kind.label, [self[field_name(kind, channel)] for channel in PERSONAL_CHANNELS])
            for kind in Kind
        ]

    def choices(self) -> dict[str, set[str]]:
        return {
            kind: {c for c in PERSONAL_CHANNELS if self.cleaned_data[field_name(kind, c)]}
            for kind in Kind.values
        }
