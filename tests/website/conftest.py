from tests.policies.conftest import POLICY_DEFAULTS, library, make_policy, profiles, site  # noqa: F401
