"""Pluggable SMS backends, chosen by `settings.QINQING_SMS_BACKEND` (a dotted path).

A real gateway (e.g. a provincial government SMS platform or a cloud SMS service) is one small
class with a `send(*, phone, text)` method that raises on failure; the default writes the message
to the log so that nothing leaves the machine until a gateway is configured.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

from crm.lib.masking import mask_phone

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "notifications.sms.LogSMSBackend"


class BaseSMSBackend:
    def send(self, *, phone: str, text: str) -> None:
        """Send `text` to `phone`; raise on failure (the delivery is then retried)."""
        raise NotImplementedError


class LogSMSBackend(BaseSMSBackend):
    """Writes each message to the log (the phone number masked)."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


@dataclass(frozen=True)
class SMSMessage:
    phone: str
    text: str


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in memory (`LocmemSMSBackend.outbox`), for tests."""

    outbox: ClassVar[list[SMSMessage]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.outbox.append(SMSMessage(phone=phone, text=text))


class FileSMSBackend(BaseSMSBackend):
    """Appends each message as one JSON line to `settings.QINQING_SMS_FILE` (for staging
    machines and the multi-process soak run, which counts what was really sent). One write with
    O_APPEND per message, so several worker processes never interleave lines."""

    def send(self, *, phone: str, text: str) -> None:
        line = json.dumps({"phone": phone, "text": text, "pid": os.getpid()}, ensure_ascii=False)
        fd = os.open(settings.QINQING_SMS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)


def get_sms_backend() -> BaseSMSBackend:
    return import_string(getattr(settings, "QINQING_SMS_BACKEND", DEFAULT_BACKEND))()
