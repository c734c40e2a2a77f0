"""The API's demo data: the 12345 integration and its work orders, through the intake service;
seeding twice changes nothing."""

from api import demo
from api.models import Integration, WorkOrder
from issues.catalogue_data import load_catalogue
from issues.models import Category, Issue


def test_the_demo_hotline_files_its_work_orders_once(world):
    load_catalogue(Category)

    demo.seed(log=lambda *_: None)
    demo.seed(log=lambda *_: None)

    integration = Integration.objects.get()
    assert integration.account.username == "hotline12345"
    assert not integration.account.has_usable_password()
    orders = WorkOrder.objects.order_by("order_no")
    assert [o.order_no for o in orders] == ["GD-DEMO-0001", "GD-DEMO-0002"]
    assert Issue.objects.filter(source="hotline_12345").count() == 2
    assert orders[1].issue.category.code == "infra.environment"
