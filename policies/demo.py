"""Demo policies (idempotent): twelve policies in force across 减 / 免 / 缓 / 奖 / 补 and the four
modes, one expired, two interpretations, two application notices and an announcement — created and
published through the same code path as the admin (a revision by the policy editor, published by
the administrator), then pushed by the push service the publish task calls. A few pushes are
delivered (政策宣讲 visits logged by the liaisons) and a few applied / received."""

from __future__ import annotations

from datetime import date

from accounts.models import Region, Role, RoleMembership, User
from enterprises.models import Industry, LiaisonAssignment, Tag
from policies.models import PolicyPage, PushTarget
from policies.services import (
    policy_page_create,
    policy_push_publish,
    push_target_deliver,
    push_target_record_outcome,
)
from website.models import AnnouncementPage, InterpretationPage, NoticePage
from website.setup import site_setup

TAX = "国家税务总局江城市江南区税务局"
HRSS = "江南区人力资源和社会保障局"


def _p(slug, title, ptype, mode, issuer, doc, issued, **fields):
    return {
        "slug": slug,
        "title": title,
        "policy_type": ptype,
        "delivery_mode": mode,
        "issuer": issuer,
        "document_no": doc,
        "issued_on": issued,
        "effective_from": fields.pop("effective_from", issued),
        **fields,
    }


POLICIES = [
    _p(
        "vat-credit-refund",
        "小微企业和制造业等行业增值税期末留抵退税",
        "reduce",
        "online",
        "国家税务总局江城市税务局",
        "江税发〔2026〕8号",
        date(2026, 1, 10),
        summary="符合条件的小微企业和制造业企业，可按月全额退还增量留抵税额、一次性退还存量留抵税额。",
        target_audience="纳税信用等级为A级或B级的小微企业、制造业等行业企业",
        conditions="<ul><li>纳税信用等级为A级或者B级；</li><li>申请退税前36个月未发生骗取留抵退税、出口退税或虚开增值税专用发票情形；</li><li>申请退税前36个月未因偷税被税务机关处罚两次及以上。</li></ul>",
        materials="<p>《退（抵）税申请表》（电子税务局在线填报，无需纸质材料）</p>",
        benefit="<p>增量留抵税额按月全额退还；存量留抵税额一次性退还。</p>",
        time_limit="10个工作日",
        procedure="<ol><li>电子税务局提交申请</li><li>税务机关审核</li><li>国库退库到账</li></ol>",
        accepting_unit=TAX,
        hotline="12366",
        unit="区税务局",
        industries=["C"],
        scales=["medium", "small", "micro"],
        source_url="https://www.chinatax.gov.cn/",
    ),
    _p(
        "job-retention-refund",
        "失业保险稳岗返还",
        "subsidy",
        "no_application",
        HRSS,
        "江人社发〔2026〕3号",
        date(2026, 2, 1),
        summary="上年度未裁员或裁员率不高于规定比例的参保企业，免申即享返还失业保险费。",
        target_audience="依法参加失业保险并足额缴费的企业",
        conditions="<p>上年度未裁员或裁员率不高于上年度全国城镇调查失业率控制目标；30人（含）以下的参保企业，裁员率不高于参保职工总数20%。</p>",
        materials="",
        benefit="<p>大型企业按上年度实际缴纳失业保险费的30%返还，中小微企业按60%返还。</p>",
        time_limit="免申即享，核定后15个工作日内拨付",
        procedure="<p>人社部门大数据比对、公示后直接拨付至企业对公账户。</p>",
        accepting_unit=HRSS,
        hotline="12333",
        unit="区人社局",
    ),
    _p(
        "little-giant-award",
        "专精特新“小巨人”企业认定奖励",
        "reward",
        "instant",
        "江南区工业和信息化局",
        "江南工信〔2026〕5号",
        date(2026, 1, 20),
        summary="首次认定为国家级专精特新“小巨人”的企业一次性奖励50万元，省级专精特新企业奖励20万元。",
        target_audience="辖区内经认定的专精特新中小企业",
        conditions="<p>当年首次获得国家级或省级专精特新认定，且在本区依法纳税。</p>",
        materials="<ul><li>认定文件复印件</li><li>企业奖励申请表</li></ul>",
        benefit="<p>国家级一次性奖励50万元；省级一次性奖励20万元。</p>",
        time_limit="即申即享，5个工作日",
        accepting_unit="江南区工业和信息化局",
        hotline="027-80000001",
        tags=["专精特新"],
    ),
    _p(
        "first-loan-interest",
        "小微企业首贷贴息",
        "subsidy",
        "online",
        "江南区地方金融工作局",
        "江南金〔2026〕2号",
        date(2026, 2, 10),
        summary="首次获得银行贷款的小微企业，按贷款市场报价利率的50%给予贴息，最长12个月。",
        target_audience="首次获得银行贷款的小微企业",
        conditions="<p>2026年内在辖区银行首次获得一年期以内流动资金贷款。</p>",
        materials="<ul><li>借款合同</li><li>付息凭证</li></ul>",
        benefit="<p>按LPR的50%贴息，单户最高10万元。</p>",
        time_limit="20个工作日",
        accepting_unit="江南区地方金融工作局",
        hotline="027-80000002",
        scales=["small", "micro"],
    ),
    _p(
        "social-insurance-deferral",
        "困难行业阶段性缓缴社会保险费",
        "defer",
        "one_visit",
        HRSS,
        "江人社发〔2026〕6号",
        date(2026, 3, 1),
        summary="餐饮、零售等困难行业企业可申请缓缴养老、失业、工伤保险单位缴费部分，缓缴期间免收滞纳金。",
        target_audience="生产经营出现暂时困难的餐饮、零售行业企业",
        conditions="<p>受市场影响生产经营出现暂时困难，按时足额缴纳社会保险费确有困难。</p>",
        materials="<ul><li>缓缴申请表</li><li>经营困难情况说明</li></ul>",
        benefit="<p>单位缴费部分缓缴最长6个月，缓缴期间免收滞纳金。</p>",
        time_limit="3个工作日",
        procedure="<p>携材料到区政务服务中心人社窗口一次办结。</p>",
        accepting_unit="江南区政务服务中心人社窗口",
        hotline="12333",
        unit="区人社局",
        industries=["F", "H"],
    ),
    _p(
        "hitech-award",
        "高新技术企业认定奖励",
        "reward",
        "instant",
        "江南区科学技术局",
        "江南科〔2026〕1号",
        date(2026, 1, 15),
        summary="首次认定的高新技术企业奖励20万元，重新认定的奖励10万元。",
        target_audience="经认定的国家高新技术企业",
        conditions="<p>在有效期内，注册地和税务登记在本区。</p>",
        materials="<ul><li>高新技术企业证书</li></ul>",
        benefit="<p>首次认定奖励20万元；重新认定奖励10万元。</p>",
        time_limit="即申即享，5个工作日",
        accepting_unit="江南区科学技术局",
        hotline="027-80000003",
        tags=["高新技术企业"],
    ),
    _p(
        "small-profit-income-tax",
        "小型微利企业所得税优惠",
        "reduce",
        "no_application",
        "国家税务总局江城市税务局",
        "财政部 税务总局公告2023年第12号",
        date(2026, 1, 1),
        summary="小型微利企业减按25%计算应纳税所得额，按20%的税率缴纳企业所得税，申报即享。",
        target_audience="从事国家非限制和禁止行业的小型微利企业",
        conditions="<p>年度应纳税所得额不超过300万元、从业人数不超过300人、资产总额不超过5000万元。</p>",
        materials="",
        benefit="<p>实际税负5%。</p>",
        time_limit="申报即享",
        accepting_unit=TAX,
        hotline="12366",
        scales=["small", "micro"],
    ),
    _p(
        "property-tax-relief",
        "房产税、城镇土地使用税困难减免",
        "exempt",
        "one_visit",
        TAX,
        "江南税〔2026〕4号",
        date(2026, 2, 15),
        summary="纳税确有困难的企业，可申请减免房产税、城镇土地使用税。",
        target_audience="江南区内纳税确有困难的企业",
        conditions="<p>因自然灾害等不可抗力或经营困难，纳税确有困难。</p>",
        materials="<ul><li>减免税申请表</li><li>困难情况说明</li></ul>",
        benefit="<p>按季度减免，全年最高减免应纳税额的50%。</p>",
        time_limit="15个工作日",
        accepting_unit="区政务服务中心税务窗口",
        hotline="12366",
        unit="区税务局",
        regions=["420102"],
    ),
    _p(
        "graduate-hiring-subsidy",
        "一次性扩岗补助",
        "subsidy",
        "instant",
        HRSS,
        "江人社发〔2026〕9号",
        date(2026, 3, 10),
        summary="招用毕业年度高校毕业生并参保3个月以上的企业，按每人1500元发放一次性扩岗补助。",
        target_audience="招用毕业年度及离校2年内未就业高校毕业生的企业",
        conditions="<p>签订劳动合同并依法参加失业保险3个月以上。</p>",
        materials="<ul><li>申请表（人社网上办事大厅在线填报）</li></ul>",
        benefit="<p>每招用1人补助1500元。</p>",
        time_limit="即申即享",
        accepting_unit=HRSS,
        hotline="12333",
        unit="区人社局",
    ),
    _p(
        "rd-super-deduction",
        "科技型中小企业研发费用加计扣除",
        "reduce",
        "online",
        "国家税务总局江城市税务局",
        "财政部 税务总局公告2023年第7号",
        date(2026, 1, 5),
        summary="企业开展研发活动中实际发生的研发费用，在据实扣除的基础上再按100%加计扣除。",
        target_audience="制造业、信息技术服务、科学研究和技术服务业中小企业",
        conditions="<p>会计核算健全、实行查账征收、能够准确归集研发费用。</p>",
        materials="<p>研发支出辅助账（留存备查）</p>",
        benefit="<p>研发费用按100%加计扣除；形成无形资产的按200%摊销。</p>",
        time_limit="预缴申报即可享受",
        accepting_unit=TAX,
        hotline="12366",
        industries=["C", "I", "M"],
        scales=["medium", "small"],
    ),
    _p(
        "park-capacity-award",
        "江南高新区企业新增产能奖励",
        "reward",
        "one_visit",
        "江南高新技术产业园管理委员会",
        "江南高新管〔2026〕3号",
        date(2026, 2, 25),
        summary="园区内设立满一年的企业，当年新增设备投资500万元以上的，按投资额的5%给予奖励。",
        target_audience="江南高新技术产业园内设立满一年的工业企业",
        conditions="<p>当年新增生产性设备投资500万元以上，且已竣工投产。</p>",
        materials="<ul><li>设备购置发票</li><li>投产情况说明</li></ul>",
        benefit="<p>按新增设备投资额的5%奖励，单户最高200万元。</p>",
        time_limit="30个工作日",
        accepting_unit="园区经济发展局",
        hotline="027-80000005",
        regions=["420102501"],
        min_years=1,
    ),
    _p(
        "startup-rent-subsidy",
        "初创企业房租补贴",
        "subsidy",
        "instant",
        "江南区发展和改革局",
        "江南发改〔2026〕7号",
        date(2026, 3, 5),
        summary="成立不满三年的小微企业，租用办公用房的按实际租金的30%给予补贴，最长两年。",
        target_audience="成立不满三年的小微企业",
        conditions="<p>在本区租用办公或生产用房，租赁合同一年以上。</p>",
        materials="<ul><li>租赁合同</li><li>租金发票</li></ul>",
        benefit="<p>按实际租金的30%补贴，每年最高5万元。</p>",
        time_limit="即申即享",
        accepting_unit="江南区发展和改革局",
        hotline="027-80000006",
        scales=["small", "micro"],
        max_years=3,
    ),
    _p(
        "relief-subsidy-2024",
        "2024年中小企业纾困补贴",
        "subsidy",
        "online",
        "江南区发展和改革局",
        "江南发改〔2024〕11号",
        date(2024, 3, 1),
        effective_from=date(2024, 3, 1),
        expires_on=date(2024, 12, 31),
        summary="已于2024年底到期，仅供查阅。",
        target_audience="受影响的中小企业",
        conditions="<p>2024年营业收入同比下降。</p>",
        benefit="<p>按上年度缴纳增值税地方留成部分的20%补贴。</p>",
        time_limit="20个工作日",
        accepting_unit="江南区发展和改革局",
        hotline="027-80000006",
        scales=["medium", "small", "micro"],
    ),
]

INTERPRETATIONS = [
    (
        "vat-refund-qa",
        "一图读懂：增值税留抵退税政策",
        "vat-credit-refund",
        "<p><b>谁能退？</b>小微企业和制造业等行业企业，纳税信用A级、B级。</p><p><b>退多少？</b>增量留抵按月全额退，存量留抵一次性退。</p><p><b>怎么退？</b>电子税务局在线申请，10个工作日到账。</p>",
    ),
    (
        "job-retention-qa",
        "稳岗返还“免申即享”政策解读",
        "job-retention-refund",
        "<p>今年起稳岗返还实行“免申即享”：人社部门通过大数据比对筛选符合条件的企业，公示无异议后直接拨付，企业无需提交申请。</p>",
    ),
]


def _article(section, model, slug, **fields):
    found = section.get_children().filter(slug=slug).first()
    if found is not None:
        return found.specific
    section.refresh_from_db()
    page = section.add_child(instance=model(slug=slug, live=False, **fields))
    page.save_revision().publish()
    return page


def _people():
    editor = User.objects.filter(username="editor").first()
    admin = User.objects.filter(username="admin").first()
    return editor, admin


def seed(log=print) -> None:
    from accounts.models import Unit

    site = site_setup()
    library, sections = site["library"], site["sections"]
    editor, admin = _people()
    created = 0
    policies = {}
    for spec in POLICIES:
        spec = dict(spec)
        existing = PolicyPage.objects.filter(slug=spec["slug"]).first()
        if existing is not None:
            policies[spec["slug"]] = existing
            continue
        unit = spec.pop("unit", None)
        spec["unit"] = Unit.objects.filter(short_name=unit).first() if unit else None
        if "industries" in spec:
            spec["industries"] = list(Industry.objects.filter(code__in=spec["industries"]))
        if "tags" in spec:
            spec["tags"] = list(Tag.objects.filter(name__in=spec["tags"]))
        if "regions" in spec:
            spec["regions"] = list(Region.objects.filter(code__in=spec["regions"]))
        spec.setdefault("materials", "")
        # Written by the policy editor as a draft, published by the administrator (reviewer).
        page = policy_page_create(actor=editor, library=library, publish=False, **spec)
        page.get_latest_revision().publish(user=admin)
        page.refresh_from_db()
        policies[spec["slug"]] = page
        created += 1
    for slug, title, policy_slug, body in INTERPRETATIONS:
        interpretation = _article(
            sections["interpretations"],
            InterpretationPage,
            slug,
            title=title,
            published_on=date(2026, 3, 12),
            source="江南区营商环境建设办公室",
            body=body,
        )
        policy = policies[policy_slug]
        if not policy.interpretations.filter(pk=interpretation.pk).exists():
            policy.interpretations.add(interpretation)
            policy.save_revision(user=editor).publish(user=admin)
    _article(
        sections["notices"],
        NoticePage,
        "little-giant-2026-notice",
        title="关于组织申报2026年度专精特新企业奖励的通知",
        published_on=date(2026, 3, 20),
        body="<p>请符合条件的企业于4月30日前通过“亲清”平台或区工信局窗口提交申请。</p>",
        policy=policies["little-giant-award"],
        apply_from=date(2026, 3, 20),
        apply_until=date(2026, 4, 30),
    )
    _article(
        sections["notices"],
        NoticePage,
        "graduate-subsidy-notice",
        title="关于申领2026年一次性扩岗补助的通知",
        published_on=date(2026, 3, 15),
        body="<p>企业可通过人社网上办事大厅在线申领，材料齐全的即申即享。</p>",
        policy=policies["graduate-hiring-subsidy"],
        apply_from=date(2026, 3, 15),
        apply_until=date(2026, 12, 31),
    )
    _article(
        sections["announcements"],
        AnnouncementPage,
        "job-retention-2026-batch1",
        title="2026年第一批失业保险稳岗返还企业名单公示",
        published_on=date(2026, 3, 25),
        body="<p>经大数据比对，江南精密机械有限公司等126家企业符合稳岗返还条件，现予公示。</p>",
        policy=policies["job-retention-refund"],
        objection_until=date(2026, 4, 1),
    )
    pushed = _push_and_track(policies)
    log(f"policies: {created} new of {len(POLICIES)}, {pushed} push rows")


def _push_and_track(policies) -> int:
    """Run the push the publish task runs (idempotent: a later task finds it done), then let the
    liaisons brief a few enterprises and the units record a few outcomes."""
    for policy in policies.values():
        if policy.live_revision_id:
            policy_push_publish(revision_id=policy.live_revision_id)
    if PushTarget.objects.filter(delivered_at__isnull=False).exists():
        return PushTarget.objects.count()
    assignments = {
        a.enterprise_id: a.person
        for a in LiaisonAssignment.objects.active().filter(kind="liaison").select_related("person")
    }
    for i, target in enumerate(
        PushTarget.objects.select_related("policy", "enterprise").order_by("pk")
    ):
        liaison = assignments.get(target.enterprise_id)
        if liaison is None or i % 7:
            continue
        push_target_deliver(actor=liaison, target=target)
        if i % 2 == 0:
            push_target_record_outcome(actor=liaison, target=target, outcome="applied")
        if i % 4 == 0:
            staff = (
                RoleMembership.objects.active()
                .filter(unit_id=target.policy.unit_id, role=Role.HANDLER)
                .select_related("user")
                .first()
            )
            if staff is not None:
                push_target_record_outcome(
                    actor=staff.user, target=target, outcome="received", note="已拨付到账"
                )
    return PushTarget.objects.count()
