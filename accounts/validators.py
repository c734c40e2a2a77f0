"""Password strength beyond Django's stock validators."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require at least three of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须至少包含小写字母、大写字母、数字、符号中的三类。"),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须至少包含小写字母、大写字母、数字、符号中的三类。")
