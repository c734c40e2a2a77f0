"""The people of the test world (`tests.conftest.build_world`), by attribute name: for tests
that hold a rule for everyone."""

WORLD_PEOPLE = [
    "admin",
    "dispatcher",
    "far_dispatcher",
    "leader",
    "liaison",
    "resp_leader",
    "handler",
    "unit_head",
    "street_handler",
    "deputy",
    "outsider",
    "enterprise_user",
]
# Everyone but the dispatcher of the far district: the people an object of 江北区 (the security
# tests' foreign scene) must be refused to.
NEAR_PEOPLE = [p for p in WORLD_PEOPLE if p != "far_dispatcher"]
