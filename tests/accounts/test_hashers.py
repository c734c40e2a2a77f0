"""The password hasher's cost is a documented choice (issue 16)."""

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.test import override_settings

from accounts.hashers import QinqingScryptPasswordHasher

PRODUCTION_HASHERS = settings.CHOSEN_PASSWORD_HASHERS


def test_the_configured_hasher_is_scrypt_at_the_documented_cost():
    assert PRODUCTION_HASHERS[0] == "accounts.hashers.QinqingScryptPasswordHasher"
    hasher = QinqingScryptPasswordHasher()
    assert (hasher.work_factor, hasher.block_size, hasher.parallelism) == (2**14, 8, 2)
    decoded = hasher.decode(hasher.encode("Qinqing@2026", hasher.salt()))
    assert (decoded["work_factor"], decoded["block_size"], decoded["parallelism"]) == (2**14, 8, 2)


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_an_old_pbkdf2_hash_still_verifies_and_is_upgraded_at_login():
    old = make_password("Qinqing@2026", hasher="pbkdf2_sha256")
    upgraded = []
    assert check_password("Qinqing@2026", old, setter=upgraded.append)
    assert len(upgraded) == 1
    assert get_hasher().algorithm == "scrypt"
