"""The password hasher and its cost, chosen knowingly (issue 16; numbers in README "Login cost").

scrypt is memory-hard: each guess needs 128·r·N bytes (16 MiB here), which GPUs and ASICs pay for
far more dearly than for PBKDF2's iterations. Django's default parameters (N=2^14, r=8, p=1) are
raised to p=2, which doubles the work per guess and keeps one login near 0.1–0.2 s of one server
core — against about 0.4–0.8 s for PBKDF2-SHA256 at Django 5.2's 1,000,000 iterations, which made
a login take 1.5 s on a loaded server. Online guessing is throttled separately (django-axes, 5
failures per user and address), and passwords need 10 characters of several classes.

Existing PBKDF2 hashes still verify (the next entry in PASSWORD_HASHERS) and are re-hashed with
scrypt at the person's next login.
"""

from django.contrib.auth.hashers import ScryptPasswordHasher


class QinqingScryptPasswordHasher(ScryptPasswordHasher):
    work_factor = 2**14  # N
    block_size = 8  # r
    parallelism = 2  # p
