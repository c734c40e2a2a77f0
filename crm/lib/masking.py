"""Personal data masking (DESIGN §3: phone numbers are masked for all but a few)."""

import re

_DIGITS = re.compile(r"\d")


def mask_phone(phone: str) -> str:
    """138****5678 for a mobile number; for other numbers keep the first 3 and last 4 digits."""
    if not phone:
        return ""
    digits = _DIGITS.findall(phone)
    if len(digits) < 7:
        return "*" * len(phone)
    head, tail = "".join(digits[:3]), "".join(digits[-4:])
    return f"{head}****{tail}"
