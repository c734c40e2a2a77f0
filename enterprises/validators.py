"""The unified social credit code (统一社会信用代码) of GB 32100-2015."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The 31 characters of the code's alphabet (no I, O, S, V, Z), each worth its index.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character for the given first 17 characters."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="credit_code_length")
    bad = [c for c in code if c not in ALPHABET]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有无效字符：%(chars)s") % {"chars": "".join(sorted(set(bad)))},
            code="credit_code_chars",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("统一社会信用代码校验位错误（应为 %(expected)s）。")
            % {"expected": credit_code_check_char(code[:17])},
            code="credit_code_check_digit",
        )
