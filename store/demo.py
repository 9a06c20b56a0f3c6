"""The demo store: a key-account department's three full years plus this year to date.

Deterministic from (seed, as-of date, scale): the same three give the same store, row for
row. Generated set-wise with NumPy and loaded through Arrow, never row by row in Python.

Planted stories a department meeting would find (each asserted in tests/test_demo.py):

The subjects of the stories (which salesperson, which customers …) are returned by
`build()` as `Built.stories` and printed at the end of a build.

1. **Far behind target** — a salesperson of 黄岐 loses most of their orders this
   year; their year-to-date sales attainment is under 60 %.
2. **A region ahead** — region 平洲 sells about 30 % more this year than its
   plan; its attainment is the department's highest, above 115 %.
3. **Competitor surge** — 新锐智造 is mentioned more and more in the
   last four months while its price gap against ours widens (their price lower).
4. **CSAT dip after a quality incident** — five months before the as-of date a quality
   incident brings a spike of quality complaints; CSAT that month and the next drops well
   below the usual level, then recovers.
5. **Sliding into 90+ days overdue** — a handful of customers stop paying about seven
   months before the as-of date; their oldest invoices are now more than 90 days past due.
6. **Over the credit limit** — exactly one customer's outstanding exceeds its credit limit.
7. **Void referral attributions** — some referral and lead claims are void: the customer
   was already registered (same phone or company) by someone else earlier, or the visit
   was not the customer's first.
8. **Short of quota four weeks in a row** — a key-account manager missed the
   weekly quotas in each of the last four complete ISO weeks.
9. **Stalled projects** — the first key-account manager lets approved projects stall: each
   stage after the lead takes about four times as long, and their open projects have no
   development plan; they lead the Pipeline page's attention list.
10. **Losing negotiations to the surging competitor** — opportunities against 新锐智造 created
   in the last five months or so are won in negotiation at under half the usual rate: our win
   rate against it is the lowest of all competitors this year.
11. **Contracts signed late** — about one contract in eight is signed more than 24 hours after
   agreement, and some agreed in the last week still wait for their signature.

Also in the data, for the pages to find: a salesperson who left (their customers passed to
a newcomer on the day after they left; history stays with the one who sold), returns,
invoices paid in two parts, overpayments, late visit records, open complaints, spend with
no budget, a base-rate change on 2025-07-01, and customer archives with missing fields.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from store import accounts, db

# --- reference data -------------------------------------------------------------------

REGIONS = [  # the towns of seed 001, relative market size
    ("桂城", "Guicheng", 1.6), ("平洲", "Pingzhou", 1.1), ("大沥", "Dali", 1.4),
    ("盐步", "Yanbu", 0.8), ("黄岐", "Huangqi", 0.8), ("罗村", "Luocun", 0.9),
    ("狮山", "Shishan", 1.3), ("丹灶", "Danzao", 0.7), ("西樵", "Xiqiao", 0.8),
    ("九江", "Jiujiang", 0.7),
]
INDUSTRIES = [
    ("制造业", "机械"), ("建筑业", "建设"), ("批发零售", "商贸"), ("物流运输", "物流"),
    ("餐饮酒店", "餐饮"), ("医疗卫生", "医疗"), ("教育", "教育"), ("政府机关", "服务"),
    ("金融", "投资"), ("房地产", "置业"),
]
PRODUCT_LINES = [  # line, base commission rate, cost ratio, price range (yuan)
    ("工业设备", 0.030, 0.72, (8_000, 60_000)),
    ("耗材", 0.020, 0.62, (80, 900)),
    ("软件服务", 0.050, 0.35, (3_000, 30_000)),
    ("备件", 0.025, 0.66, (200, 3_000)),
    ("安装维保", 0.040, 0.55, (1_000, 12_000)),
]
COMPETITORS = ["华南机电", "粤海设备", "恒通科技", "利达实业", "新锐智造"]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红建国志"
             "俊峰晓东海燕丹辉鑫宇浩然涵欣怡轩桐婷嘉颖琳博文斌凯")
WORDS = list("华盛鸿达金利永兴富源泰丰恒通宏昌隆信德嘉新佳顺祥瑞安康宝益广创远卓越辉腾飞汇鑫正和美")
ROADS = ["南海大道", "桂澜路", "海八路", "灯湖东路", "佛平路", "广佛路", "南港路", "樵高路", "狮岭路", "凤翔路"]
SEASON = np.array([0.85, 0.55, 1.0, 1.0, 1.05, 1.15, 0.95, 0.95, 1.05, 1.05, 1.1, 1.3])
SURVEY_COMMENTS = [
    "交货及时,服务态度好", "产品质量稳定", "希望价格再优惠一些", "售后响应速度有待提高",
    "业务员很专业", "", "", "", "包装需要改进", "整体满意",
]
COMPLAINT_TEXT = {
    "quality": "批次产品出现质量问题,要求退换", "delivery": "交货延迟,影响生产计划",
    "service": "售后人员未按约定时间上门", "price": "结算价格与合同不符",
    "billing": "发票信息有误,需重开", "other": "其他问题,需要跟进",
}
NOTE_TEXT = {
    "price": "{c}报价比我方低,客户在比价", "product": "{c}推出新型号,客户有兴趣试用",
    "promotion": "{c}正在做年底促销活动", "service": "客户反映{c}的售后服务响应快",
    "personnel": "{c}新换了区域负责人", "bid": "本次招标{c}参与竞标",
}

NEXT_STEPS = ["约见采购负责人", "提交技术方案", "报价复核", "安排样品测试", "高层拜访", "合同条款确认"]
ACTIONS = ["需求调研", "技术方案交流", "报价与方案评审", "组织技术/生产部门参与谈判", "高层拜访", "商务谈判",
           "样品测试"]
OPPORTUNITY_SCHEMA = pa.schema([
    ("opportunity_id", pa.string()), ("customer_id", pa.string()), ("prospect_name", pa.string()),
    ("owner_id", pa.string()), ("region_id", pa.string()), ("stage", pa.string()), ("created_on", pa.date32()),
    ("approved_on", pa.date32()), ("approved_by", pa.string()), ("expected_amount", pa.float64()),
    ("expected_close_on", pa.date32()), ("competitor", pa.string()), ("lost_reason", pa.string()),
    ("next_step", pa.string()), ("next_step_on", pa.date32())])
ACTION_SCHEMA = pa.schema([("action_id", pa.string()), ("opportunity_id", pa.string()), ("action_text", pa.string()),
                           ("owner_id", pa.string()), ("due_on", pa.date32()), ("done_on", pa.date32())])
CONTRACT_SCHEMA = pa.schema([
    ("contract_id", pa.string()), ("opportunity_id", pa.string()), ("customer_id", pa.string()),
    ("salesperson_id", pa.string()), ("region_id", pa.string()), ("amount", pa.float64()),
    ("agreed_at", pa.timestamp("s")), ("signed_at", pa.timestamp("s")), ("first_review_by", pa.string()),
    ("first_review_at", pa.timestamp("s")), ("first_review_outcome", pa.string()), ("gm_review_by", pa.string()),
    ("gm_review_at", pa.timestamp("s")), ("gm_review_outcome", pa.string())])
INVOICE_PLAN_SCHEMA = pa.schema([("contract_id", pa.string()), ("instalment_no", pa.int32()),
                                 ("due_date", pa.date32()), ("amount", pa.float64()), ("invoice_id", pa.string())])
AHEAD_REGION = 1  # index into REGIONS: 平洲
BEHIND_REGION = 4  # the far-behind salesperson is the first of 黄岐's salespeople
SHORT_KAM = 4  # the fifth key-account manager
SURGING_COMPETITOR = "新锐智造"


@dataclass(frozen=True)
class Scale:
    lines: int
    customers: int
    salespeople: int  # field salespeople (role salesperson)
    kams: int  # key-account managers
    deals_per_month: int


SCALES = {
    "small": Scale(lines=300_000, customers=3_000, salespeople=48, kams=10, deals_per_month=30),
    "10m": Scale(lines=10_000_000, customers=100_000, salespeople=480, kams=60,
                 deals_per_month=900),
}


# --- helpers --------------------------------------------------------------------------

def ids(prefix: str, index: np.ndarray, width: int) -> pa.Array:
    """Codes such as C000123 for integer indexes, formatted in Arrow (fast at 10 M): each code
    once, then picked for every row, where the codes are fewer than the rows (customers,
    products, people, regions); else formatted row by row."""
    index = np.asarray(index, dtype=np.int64)
    top = int(index.max()) + 1 if len(index) else 0
    if 0 < top < len(index) and index.min() >= 0:
        return pc.take(_codes(prefix, np.arange(top), width), pa.array(index))
    return _codes(prefix, index, width)


def _codes(prefix: str, index: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(index), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def money(cents: np.ndarray) -> np.ndarray:
    """Whole fen as float yuan; the store casts to DECIMAL(18,4), landing on the exact fen."""
    return np.asarray(cents, dtype=np.int64) / 100.0


@dataclass
class Built:
    tables: dict[str, pa.Table]
    stories: dict[str, object]
    seconds: float
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (account, what it sees, password)


class Generator:
    """Builds every table of the demo store as Arrow tables."""

    def __init__(self, seed: int, as_of: dt.date, scale: Scale, progress: Callable[[str], None]):
        self.rng = np.random.default_rng(seed)
        self.scale = scale
        self.progress = progress
        self.as_of = np.datetime64(as_of, "D")
        self.start = np.datetime64(dt.date(as_of.year - 3, 1, 1), "D")
        self.year_start = np.datetime64(dt.date(as_of.year, 1, 1), "D")
        self.days = np.arange(self.start, self.as_of + 1)
        self.n_days = len(self.days)
        months = self.days.astype("datetime64[M]").astype(int) % 12
        years = self.days.astype("datetime64[Y]").astype(int) + 1970 - (as_of.year - 3)
        weekday = (self.days.astype(np.int64) + 3) % 7  # Monday = 0
        self.day_weight = SEASON[months] * 1.08 ** years * np.where(weekday >= 5, 0.25, 1.0)
        self.cum_weight = np.cumsum(self.day_weight)
        self.tables: dict[str, pa.Table] = {}

    # -- people and places ---------------------------------------------------------
    def people(self) -> None:
        rng, sc = self.rng, self.scale
        n_regions = len(REGIONS)
        self.region_weight = np.array([r[2] for r in REGIONS])
        self.tables["regions"] = pa.table({
            "region_id": ids("R", np.arange(1, n_regions + 1), 2),
            "name_zh": [r[0] for r in REGIONS], "name_en": [r[1] for r in REGIONS],
        })
        n_people = 2 + sc.kams + sc.salespeople
        # roles: 0 head, 1 assistant, then key-account managers, then salespeople
        role = np.array(["head", "assistant"] + ["key_account_manager"] * sc.kams
                        + ["salesperson"] * sc.salespeople)
        region = np.full(n_people, -1)
        share = self.region_weight / self.region_weight.sum()
        region[2:2 + sc.kams] = np.arange(sc.kams) % n_regions
        seller_region = np.concatenate([
            np.arange(n_regions), rng.choice(n_regions, sc.salespeople - n_regions, p=share)])
        region[2 + sc.kams:] = np.sort(seller_region)
        names = self._unique_names(n_people)
        hired = self.start - rng.integers(60, 3000, n_people)
        left = np.full(n_people, np.datetime64("NaT"), dtype="datetime64[D]")
        sellers = np.arange(2 + sc.kams, n_people)
        # the leaver and the newcomer who takes over their customers (same region)
        by_region = [sellers[region[sellers] == r] for r in range(n_regions)]
        pair_region = max(range(n_regions), key=lambda r: len(by_region[r]))
        self.leaver, self.newcomer = by_region[pair_region][-2], by_region[pair_region][-1]
        self.handover = self.start + (self.n_days * 11) // 20
        left[self.leaver] = self.handover - 1
        hired[self.newcomer] = self.handover - 14
        self.behind = by_region[BEHIND_REGION][0]
        assert self.behind not in (self.leaver, self.newcomer)
        self.person_region, self.role = region, role
        self.hired, self.left = hired, left
        self.sellers = sellers
        self.kams = np.arange(2, 2 + sc.kams)
        self.tables["salespeople"] = pa.table({
            "salesperson_id": ids("S", np.arange(1, n_people + 1), 4),
            "name": names, "role": role,
            "region_id": pa.array([None if r < 0 else f"R{r + 1:02d}" for r in region]),
            "phone": ids("139", rng.integers(10_000_000, 99_999_999, n_people), 8),
            "hired_on": hired, "left_on": left,
        })

    def _unique_names(self, n: int) -> list[str]:
        rng, seen, out = self.rng, set(), []
        while len(out) < n:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN, rng.integers(1, 3)))
            if name not in seen:
                seen.add(name)
                out.append(name)
        return out

    def customers(self) -> None:
        rng, sc = self.rng, self.scale
        n = sc.customers
        share = self.region_weight / self.region_weight.sum()
        region = np.sort(rng.choice(len(REGIONS), n, p=share))
        tier = rng.choice(np.array(["A", "B", "C"]), n, p=[0.1, 0.3, 0.6])
        industry = rng.integers(0, len(INDUSTRIES), n)
        # unique company names: town + two words + industry word
        combos = len(WORDS) ** 2 * len(INDUSTRIES)  # unique within a town (named in it)
        picks = np.concatenate([rng.choice(combos, (region == r).sum(), replace=False)
                                for r in range(len(REGIONS))])
        w1, rest = np.divmod(picks, len(WORDS) * len(INDUSTRIES))
        w2, ind_word = np.divmod(rest, len(INDUSTRIES))
        names = [f"佛山市南海区{REGIONS[r][0]}{WORDS[a]}{WORDS[b]}{INDUSTRIES[i][1]}有限公司"
                 for r, a, b, i in zip(region, w1, w2, ind_word)]
        # initial owner: a salesperson of the customer's region who was there at the start
        owner = np.empty(n, dtype=np.int64)
        for r in range(len(REGIONS)):
            mask = region == r
            pool = self.sellers[(self.person_region[self.sellers] == r)
                                & (self.sellers != self.newcomer)]
            owner[mask] = rng.choice(pool, mask.sum())
        # registration: 70 % before the window, the rest new during it
        is_new = rng.random(n) < 0.3
        registered = np.where(
            is_new, self.start + rng.integers(0, self.n_days - 20, n),
            self.start - rng.integers(30, 2500, n))
        churn_day = np.where(~is_new & (rng.random(n) < 0.12),
                             self.start + rng.integers(100, self.n_days, n),
                             self.as_of + 1)
        phone = ids("13", rng.integers(100_000_000, 999_999_999, n), 9).to_numpy(zero_copy_only=False)
        address = np.array([f"佛山市南海区{REGIONS[r][0]}{ROADS[k]}{m}号"
                            for r, k, m in zip(region, rng.integers(0, len(ROADS), n),
                                               rng.integers(1, 400, n))], dtype=object)
        # archive gaps: a few records miss a required field
        gaps = rng.random(n)
        phone = np.where(gaps < 0.03, None, phone)
        address = np.where((gaps >= 0.03) & (gaps < 0.05), None, address)
        industry_name = np.array([INDUSTRIES[i][0] for i in industry], dtype=object)
        industry_name = np.where((gaps >= 0.05) & (gaps < 0.06), None, industry_name)
        weight = np.select([tier == "A", tier == "B"], [8.0, 3.0], 1.0) * rng.lognormal(0, 0.5, n)
        self.cust = dict(region=region, tier=tier, owner=owner, registered=registered,
                         churn=churn_day, weight=weight, is_new=is_new, names=np.array(names),
                         phone=phone, address=address, industry=industry_name)
        # owner changes: the leaver's customers pass to the newcomer the day after they left
        self.cust["new_owner"] = np.where(owner == self.leaver, self.newcomer, owner)

    def owner_on(self, cust: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The salesperson who owned each customer on each day."""
        return np.where(day < self.handover, self.cust["owner"][cust], self.cust["new_owner"][cust])

    # -- products and sales ----------------------------------------------------------
    def products(self) -> None:
        rng = self.rng
        rows = []
        for line_no, (line, _rate, _cost, (lo, hi)) in enumerate(PRODUCT_LINES):
            for k in range(8):
                price = round(float(rng.uniform(lo, hi)), -1 if hi < 1000 else -2)
                rows.append((line_no, f"{line}{chr(65 + k)}{rng.integers(100, 999)}型", price))
        self.prod_line = np.array([r[0] for r in rows])
        self.prod_price_cents = np.array([int(r[2] * 100) for r in rows], dtype=np.int64)
        self.prod_weight = rng.lognormal(0, 0.6, len(rows)) * np.where(
            self.prod_line == 1, 2.5, 1.0)
        self.tables["products"] = pa.table({
            "product_id": ids("P", np.arange(1, len(rows) + 1), 3),
            "name": [r[1] for r in rows],
            "product_line": [PRODUCT_LINES[r[0]][0] for r in rows],
            "list_price": [r[2] for r in rows],
        })

    def _days_between(self, lo: np.ndarray, hi: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
        """A day offset in [lo, hi] for each row, following the seasonal day weights.

        With `group` (a customer per row), each group's rows are spread evenly over its
        interval (stratified, each in its own slice) — customers reorder on a rhythm rather
        than at independent random dates — so that a quiet quarter means something.
        """
        cw = self.cum_weight
        a = np.where(lo > 0, cw[np.maximum(lo - 1, 0)], 0.0)
        b = cw[hi]
        share = self.rng.random(len(lo))
        if group is not None:
            order = np.argsort(group, kind="stable")
            sizes = np.bincount(group)
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
            rank = np.empty(len(group), dtype=np.int64)
            rank[order] = np.arange(len(group)) - np.repeat(starts, sizes)
            share = (rank + share) / sizes[group]
        u = a + share * (b - a)
        return np.minimum(np.searchsorted(cw, u), hi)

    def sales(self) -> None:
        rng, sc, cust = self.rng, self.scale, self.cust
        lo = np.maximum((cust["registered"] - self.start).astype(int), 0)
        hi = np.minimum((cust["churn"] - self.start).astype(int) - 1, self.n_days - 1)
        active = hi >= lo
        span = np.where(active, self.cum_weight[np.maximum(hi, 0)]
                        - np.where(lo > 0, self.cum_weight[np.maximum(lo - 1, 0)], 0), 0)
        p = cust["weight"] * span
        n_orders = int(sc.lines / 2.5)
        o_cust = rng.choice(len(p), n_orders, p=p / p.sum())
        o_day = self._days_between(lo[o_cust], hi[o_cust], group=o_cust)
        # each new customer's first order falls on or soon after its registration
        first = np.flatnonzero(cust["is_new"] & active)
        o_cust = np.concatenate([o_cust, first])
        o_day = np.concatenate([o_day, lo[first] + rng.integers(0, 5, len(first)).clip(
            max=hi[first] - lo[first])])
        # story 2: the ahead region sells about 30 % more this year
        ys = (self.year_start - self.start).astype(int)
        boost = np.flatnonzero((cust["region"][o_cust] == AHEAD_REGION)
                               & (o_day >= ys))
        boost = rng.choice(boost, int(len(boost) * 0.32), replace=False)
        # baseline (before stories) per order, kept for setting plans that ignore the stories
        self.baseline_orders = len(o_cust)
        o_cust = np.concatenate([o_cust, o_cust[boost]])
        o_day = np.concatenate([o_day, np.clip(o_day[boost] + rng.integers(-10, 11, len(boost)),
                                               ys, self.n_days - 1)])
        o_seller = self.owner_on(o_cust, self.start + o_day)
        # story 1: the salesperson far behind loses 60 % of this year's orders
        drop = (o_seller == self.behind) & (o_day >= ys) & (rng.random(len(o_cust)) < 0.6)
        story_kept = ~drop
        is_baseline = np.arange(len(o_cust)) < self.baseline_orders
        n_lines = np.minimum(1 + rng.poisson(1.5, len(o_cust)), 6)
        order_idx = np.repeat(np.arange(len(o_cust)), n_lines)
        product = rng.choice(len(self.prod_weight), len(order_idx),
                             p=self.prod_weight / self.prod_weight.sum())
        tier = cust["tier"][o_cust[order_idx]]
        qty = 1 + rng.poisson(np.select([tier == "A", tier == "B"], [7.0, 3.5], 1.5))
        discount = rng.uniform(0.0, 0.12, len(order_idx))
        amount = np.round(qty * self.prod_price_cents[product] * (1 - discount)).astype(np.int64)
        cost_ratio = np.array([pl[2] for pl in PRODUCT_LINES])[self.prod_line[product]]
        cost = np.round(amount * cost_ratio * rng.uniform(0.92, 1.08, len(amount))).astype(np.int64)
        line_day = o_day[order_idx]
        # the plan baseline: sales per salesperson per day before the two sales stories
        base = is_baseline[order_idx]
        self.plan_base = dict(seller=o_seller[order_idx][base], day=line_day[base],
                              amount=amount[base], cost=cost[base],
                              cust=o_cust[order_idx][base])
        keep = story_kept[order_idx]
        order_idx, product, qty, amount, cost = (x[keep] for x in (order_idx, product, qty, amount, cost))
        # returns: 1.5 % of lines come back in part, 5–40 days later
        ret = np.flatnonzero(rng.random(len(order_idx)) < 0.015)
        ret = ret[o_day[order_idx[ret]] + 5 < self.n_days]
        ret_qty = -np.minimum(qty[ret], rng.integers(1, 4, len(ret)))
        ret_amount = np.round(amount[ret] * ret_qty / qty[ret]).astype(np.int64)
        ret_cost = np.round(cost[ret] * ret_qty / qty[ret]).astype(np.int64)
        ret_day = np.minimum(o_day[order_idx[ret]] + rng.integers(5, 41, len(ret)), self.n_days - 1)
        n_orders_all = len(o_cust)
        ret_order = n_orders_all + np.arange(len(ret))
        all_cust = np.concatenate([o_cust[order_idx], o_cust[order_idx[ret]]])
        all_day = np.concatenate([o_day[order_idx], ret_day])
        all_order = np.concatenate([order_idx, ret_order])
        seller = self.owner_on(all_cust, self.start + all_day)
        sort = np.lexsort((all_order, all_day))
        self.orders = dict(cust=o_cust, day=o_day, kept=story_kept, seller=o_seller)
        self.line_amount = amount
        self.line_order = order_idx
        cols = {
            "line_id": np.arange(1, len(sort) + 1),
            "order_id": all_order[sort] + 1,
            "order_date": self.start + all_day[sort],
            "customer_id": ids("C", all_cust[sort] + 1, 6),
            "product_id": ids("P", np.concatenate([product, product[ret]])[sort] + 1, 3),
            "quantity": np.concatenate([qty, ret_qty])[sort].astype(np.int32),
            "amount": money(np.concatenate([amount, ret_amount])[sort]),
            "cost": money(np.concatenate([cost, ret_cost])[sort]),
            "salesperson_id": ids("S", seller[sort] + 1, 4),
            "region_id": ids("R", self.cust["region"][all_cust[sort]] + 1, 2),
        }
        self.tables["sales"] = pa.table(cols)

    # -- targets ---------------------------------------------------------------------
    def targets(self) -> None:
        """Monthly plans decomposed from an annual plan per salesperson.

        The annual plan follows each salesperson's baseline run-rate (the sales they would
        have made without the planted stories) with a little optimism, spread over the
        months by the seasonal weights; stretch is 15 % above plan.
        """
        rng = self.rng
        b = self.plan_base
        months = np.arange(self.start.astype("datetime64[M]"),
                           np.datetime64(f"{self.as_of.astype('datetime64[Y]')}-12", "M") + 1)
        month_days = [np.arange(m.astype("datetime64[D]"), (m + 1).astype("datetime64[D]"))
                      for m in months]
        season_w = np.array([SEASON[int(m.astype(int) % 12)] * len(d) for m, d in zip(months, month_days)])
        line_month = (self.start + b["day"]).astype("datetime64[M]")
        m_index = (line_month - months[0]).astype(int)
        first_order = np.full(self.scale.customers, np.iinfo(np.int64).max)
        np.minimum.at(first_order, b["cust"], b["day"])
        # new customers: each customer's first order, credited to that order's salesperson
        firsts = first_order[first_order < self.n_days]
        owners_first = self.owner_on(np.flatnonzero(first_order < self.n_days), self.start + firsts)
        # per salesperson and month in one pass: sales, gross profit, new customers
        n_people, n_months = len(self.role), len(months)
        cell = b["seller"] * n_months + m_index
        sales_by = np.bincount(cell, b["amount"], n_people * n_months).reshape(n_people, n_months)
        gp_by = np.bincount(cell, b["amount"] - b["cost"], n_people * n_months).reshape(n_people, n_months)
        nc_month = ((self.start + firsts).astype("datetime64[M]") - months[0]).astype(int)
        nc_by = np.bincount(owners_first * n_months + nc_month,
                            minlength=n_people * n_months).reshape(n_people, n_months)
        rows = []
        for s in self.sellers:
            active_from = max(self.hired[s], self.start)
            if s == self.newcomer:
                active_from = self.handover
            active_to = self.left[s] if not np.isnat(self.left[s]) else months[-1].astype(
                "datetime64[D]") + 40
            sales_m, gp_m, nc_m = sales_by[s], gp_by[s], nc_by[s]
            for year in np.unique(months.astype("datetime64[Y]")):
                in_year = months.astype("datetime64[Y]") == year
                active = in_year & (months >= active_from.astype("datetime64[M]")) & (
                    months <= active_to.astype("datetime64[M]"))
                if not active.any():
                    continue
                # run-rate over the months already sold (up to the as-of month)
                observed = active & (months <= self.as_of.astype("datetime64[M]"))
                w_obs = season_w[observed].sum()
                if w_obs == 0:
                    continue
                optimism = rng.uniform(1.0, 1.08)
                for metric, series in (("sales", sales_m), ("gross_profit", gp_m)):
                    rate = series[observed].sum() / w_obs * optimism
                    plan = np.round(rate * season_w[active] / 100 / 100) * 100  # whole hundreds of yuan
                    rows.extend((s, m, metric, p) for m, p in zip(months[active], plan))
                sales_plan = np.round(sales_m[observed].sum() / w_obs * optimism
                                      * season_w[active] / 100 / 100) * 100
                collections = np.concatenate([sales_plan[:1], sales_plan[:-1]])
                rows.extend((s, m, "collections", p) for m, p in zip(months[active], collections))
                annual_nc = nc_m[observed].sum() / max(observed.sum(), 1) * active.sum()
                cum = np.round(np.cumsum(season_w[active]) / season_w[active].sum() * annual_nc)
                nc_plan = np.diff(np.concatenate([[0], cum]))
                rows.extend((s, m, "new_customers", p) for m, p in zip(months[active], nc_plan))
        seller, month, metric, plan = zip(*rows)
        plan = np.maximum(np.array(plan, dtype=float), 0)
        stretch = np.where(np.array(metric) == "new_customers", np.ceil(plan * 1.15),
                           np.round(plan * 1.15 / 100) * 100)
        self.tables["targets"] = pa.table({
            "salesperson_id": ids("S", np.array(seller) + 1, 4),
            "month": np.array(month).astype("datetime64[D]"),
            "metric": list(metric), "plan_value": plan, "stretch_value": stretch,
        })

    # -- receivables -----------------------------------------------------------------
    def receivables(self) -> None:
        rng, o, cust = self.rng, self.orders, self.cust
        order_amount = np.bincount(self.line_order, self.line_amount, len(o["cust"])).astype(np.int64)
        inv = np.flatnonzero(o["kept"] & (order_amount > 0))
        c = o["cust"][inv]
        issue = np.minimum(o["day"][inv] + rng.integers(0, 4, len(inv)), self.n_days - 1)
        terms = np.select([cust["tier"][c] == "A", cust["tier"][c] == "B"], [60, 45], 30)
        due = issue + terms
        amount = order_amount[inv]
        seller = o["seller"][inv]
        # payment behaviour per customer: prompt, slow, or bad
        profile = rng.choice(3, len(cust["tier"]), p=[0.8, 0.17, 0.03])[c]
        # first parts come at most 45 days late and second parts 10-40 days after them,
        # so only the sliding customers go past 90 days
        late = np.select([profile == 1, profile == 2],
                         [rng.exponential(12, len(inv)), rng.exponential(35, len(inv))], 0)
        delay = np.where(profile == 0, np.round(terms * rng.uniform(0.4, 1.0, len(inv))),
                         terms + np.minimum(late, 45)).astype(np.int64)
        # story 5: sliding customers stop paying about seven months before the as-of date
        slide_from = self.n_days - 1 - 210
        candidates = np.flatnonzero((cust["tier"] != "A") & (cust["churn"] > self.as_of))
        counts = np.bincount(c[issue >= slide_from], minlength=len(cust["tier"]))
        early = np.bincount(c[(issue >= slide_from) & (issue < slide_from + 30)],
                            minlength=len(cust["tier"]))
        eligible = candidates[(counts[candidates] >= 3) & (early[candidates] >= 1)]
        sliders = rng.choice(eligible, 6, replace=False)
        self.sliders = sliders
        unpaid = np.isin(c, sliders) & (issue >= slide_from)
        split = rng.random(len(inv)) < 0.12
        first_part = np.where(split, np.round(amount * rng.uniform(0.4, 0.7, len(inv))), amount).astype(np.int64)
        over = rng.random(len(inv)) < 0.003
        second_part = np.where(split, amount - first_part, 0) + np.where(
            over, rng.integers(100, 50_000, len(inv)), 0)
        first_day = issue + delay
        second_day = first_day + rng.integers(10, 41, len(inv))
        pay_inv = np.concatenate([np.arange(len(inv)), np.arange(len(inv))])
        pay_amount = np.concatenate([first_part, second_part])
        pay_day = np.concatenate([first_day, np.where(split, second_day, first_day)])
        keep = (pay_amount > 0) & (pay_day < self.n_days) & ~np.concatenate([unpaid, unpaid])
        pay_inv, pay_amount, pay_day = pay_inv[keep], pay_amount[keep], pay_day[keep]
        order = np.lexsort((pay_inv, pay_day))
        pay_inv, pay_amount, pay_day = pay_inv[order], pay_amount[order], pay_day[order]
        inv_ids = ids("INV", np.arange(1, len(inv) + 1), 8)
        self.tables["invoices"] = pa.table({
            "invoice_id": inv_ids, "customer_id": ids("C", c + 1, 6),
            "order_id": inv + 1, "issue_date": self.start + issue, "due_date": self.start + due,
            "amount": money(amount), "salesperson_id": ids("S", seller + 1, 4),
            "region_id": ids("R", cust["region"][c] + 1, 2),
        })
        self.tables["payments"] = pa.table({
            "payment_id": ids("PAY", np.arange(1, len(pay_inv) + 1), 8),
            "invoice_id": inv_ids.take(pa.array(pay_inv)),
            "customer_id": ids("C", c[pay_inv] + 1, 6),
            "paid_on": self.start + pay_day, "amount": money(pay_amount),
            "salesperson_id": ids("S", seller[pay_inv] + 1, 4),
            "region_id": ids("R", cust["region"][c[pay_inv]] + 1, 2),
        })
        self.invoice_rows = dict(cust=c, issue=issue, due=due, amount=amount)  # for the contracts' schedules
        # outstanding per customer on the as-of date, for credit limits (story 6)
        paid = np.bincount(pay_inv, pay_amount, len(inv))
        open_cents = np.maximum(amount - paid, 0)
        outstanding = np.bincount(c, open_cents, len(cust["tier"]))
        base_limit = np.select([cust["tier"] == "A", cust["tier"] == "B"], [2_000_000, 500_000], 100_000)
        limit = np.maximum(base_limit, np.ceil(outstanding / 100 * 1.3 / 10_000) * 10_000)
        eligible = np.flatnonzero((outstanding > 5_000_000) & ~np.isin(np.arange(len(limit)), sliders))
        self.over_limit = int(rng.choice(eligible))
        limit[self.over_limit] = np.floor(outstanding[self.over_limit] / 100 * 0.7 / 10_000) * 10_000
        self.credit_limit = limit

    def customer_table(self) -> None:
        cust, n = self.cust, self.scale.customers
        self.tables["customers"] = pa.table({
            "customer_id": ids("C", np.arange(1, n + 1), 6), "name": cust["names"],
            "tier": cust["tier"],
            "industry": pa.array(cust["industry"], type=pa.string()),
            "region_id": ids("R", cust["region"] + 1, 2),
            "owner_id": ids("S", cust["new_owner"] + 1, 4),
            "phone": pa.array(cust["phone"], type=pa.string()),
            "address": pa.array(cust["address"], type=pa.string()),
            "credit_limit": self.credit_limit.astype(float),
            "registered_on": cust["registered"],
        })

    # -- visits ----------------------------------------------------------------------
    def visits(self) -> None:
        rng, cust = self.rng, self.cust
        months = np.arange(self.start.astype("datetime64[M]"),
                           np.datetime64(f"{self.as_of.astype('datetime64[Y]')}-12", "M") + 1)
        plan_c, plan_m = [], []
        for tier, step in (("A", 1), ("B", 3)):
            cs = np.flatnonzero(cust["tier"] == tier)
            ms = months[(months.astype(int) % 12) % step == 0]
            cc, mm = np.meshgrid(cs, ms, indexing="ij")
            cc, mm = cc.ravel(), mm.ravel()
            ok = (mm >= cust["registered"][cc].astype("datetime64[M]")) & (
                mm.astype("datetime64[D]") < cust["churn"][cc])
            plan_c.append(cc[ok])
            plan_m.append(mm[ok])
        plan_c, plan_m = np.concatenate(plan_c), np.concatenate(plan_m)
        plan_first = plan_m.astype("datetime64[D]")
        plan_owner = self.owner_on(plan_c, plan_first)
        fate = rng.choice(3, len(plan_c), p=[0.84, 0.06, 0.10])  # in month, next month, never
        length = ((plan_m + 1).astype("datetime64[D]") - plan_first).astype(int)
        visit_day = plan_first + (rng.random(len(plan_c)) * length).astype(int) + np.where(
            fate == 1, length, 0)
        done = (fate < 2) & (visit_day <= self.as_of)
        pv = np.flatnonzero(done)
        # ad-hoc visits: sales and service calls, and each new customer's first visit
        n_adhoc = int(len(cust["tier"]) * 4 * 1.5)
        ac = rng.choice(len(cust["tier"]), n_adhoc, p=cust["weight"] / cust["weight"].sum())
        lo = np.maximum((cust["registered"][ac] - self.start).astype(int), 0)
        hi = np.minimum((cust["churn"][ac] - self.start).astype(int), self.n_days) - 1
        okay = hi >= lo
        ac, lo, hi = ac[okay], lo[okay], hi[okay]
        aday = self.start + self._days_between(lo, hi)
        newc = np.flatnonzero(cust["is_new"])
        v_cust = np.concatenate([plan_c[pv], ac, newc])
        v_day = np.concatenate([visit_day[pv], aday, cust["registered"][newc]])
        v_purpose = np.concatenate([np.full(len(pv), "revisit"),
                                    rng.choice(["sales", "service"], len(ac), p=[0.7, 0.3]),
                                    np.full(len(newc), "first_visit")])
        v_plan = np.concatenate([pv, np.full(len(ac) + len(newc), -1)])
        filed_after = np.where(rng.random(len(v_day)) < 0.86, rng.integers(0, 7, len(v_day)),
                               rng.integers(8, 26, len(v_day)))
        filed = v_day + filed_after
        order = np.argsort(v_day, kind="stable")
        plan_ids = ids("VP", np.arange(1, len(plan_c) + 1), 7)
        self.tables["visit_plans"] = pa.table({
            "plan_id": plan_ids, "customer_id": ids("C", plan_c + 1, 6),
            "salesperson_id": ids("S", plan_owner + 1, 4), "planned_month": plan_first,
        })
        v_plan = v_plan[order]
        self.tables["visits"] = pa.table({
            "visit_id": ids("V", np.arange(1, len(order) + 1), 8),
            "customer_id": ids("C", v_cust[order] + 1, 6),
            "salesperson_id": ids("S", self.owner_on(v_cust[order], v_day[order]) + 1, 4),
            "region_id": ids("R", cust["region"][v_cust[order]] + 1, 2),
            "visit_date": v_day[order], "purpose": v_purpose[order],
            "outcome": rng.choice(["order_intent", "follow_up", "issue_raised", "no_interest"],
                                  len(order), p=[0.3, 0.45, 0.15, 0.1]),
            "plan_id": pc.if_else(pa.array(v_plan >= 0), plan_ids.take(pa.array(np.maximum(v_plan, 0))),
                                  pa.scalar(None, pa.string())),
            "record_filed_on": pa.array(np.where(filed[order] <= self.as_of, filed[order],
                                                 np.datetime64("NaT")), type=pa.date32()),
        })

    # -- satisfaction ----------------------------------------------------------------
    def satisfaction(self) -> None:
        rng, cust = self.rng, self.cust
        incident = (self.as_of.astype("datetime64[M]") - 5)
        self.incident_month = incident
        n = int(len(cust["tier"]) * 1.0 * self.n_days / 365)
        sc = rng.choice(len(cust["tier"]), n, p=cust["weight"] ** 0.5 / (cust["weight"] ** 0.5).sum())
        lo = np.maximum((cust["registered"][sc] - self.start).astype(int), 0)
        hi = np.minimum((cust["churn"][sc] - self.start).astype(int), self.n_days) - 1
        ok = hi >= lo
        sc, day = sc[ok], self.start + lo[ok] + (rng.random(ok.sum()) * (hi[ok] - lo[ok] + 1)).astype(int)
        in_dip = (day.astype("datetime64[M]") >= incident) & (day.astype("datetime64[M]") <= incident + 1)
        normal_p, dip_p = [0.02, 0.04, 0.11, 0.45, 0.38], [0.08, 0.17, 0.25, 0.33, 0.17]
        overall = np.where(in_dip, rng.choice(5, len(sc), p=dip_p), rng.choice(5, len(sc), p=normal_p)) + 1

        def dim(shift: np.ndarray) -> np.ndarray:
            return np.clip(overall + rng.choice([-1, 0, 0, 0, 1], len(sc)) + shift, 1, 5).astype(np.int16)

        self.tables["surveys"] = pa.table({
            "survey_id": ids("SV", np.arange(1, len(sc) + 1), 7),
            "customer_id": ids("C", sc + 1, 6),
            "salesperson_id": ids("S", self.owner_on(sc, day) + 1, 4),
            "region_id": ids("R", cust["region"][sc] + 1, 2),
            "survey_date": day, "overall_score": overall.astype(np.int16),
            "quality_score": dim(np.where(in_dip, -1, 0)), "service_score": dim(0),
            "delivery_score": dim(0), "price_score": dim(-(rng.random(len(sc)) < 0.3).astype(int)),
            "comment": rng.choice(SURVEY_COMMENTS, len(sc)),
        })
        # complaints: a steady trickle plus the quality incident's spike
        per_day = len(cust["tier"]) / 3000 * 0.45
        n_c = rng.poisson(per_day * self.n_days)
        cc = rng.choice(len(cust["tier"]), n_c, p=cust["weight"] / cust["weight"].sum())
        cday = self.start + rng.integers(0, self.n_days, n_c)
        category = rng.choice(list(COMPLAINT_TEXT), n_c, p=[0.3, 0.25, 0.2, 0.1, 0.1, 0.05])
        spike = int(40 * len(cust["tier"]) / 3000)
        sc2 = rng.choice(len(cust["tier"]), spike, p=cust["weight"] / cust["weight"].sum())
        sday = incident.astype("datetime64[D]") + rng.integers(0, 28, spike)
        # two customers with three complaints in the last 30 days (the alert's rule)
        repeat = rng.choice(np.setdiff1d(np.arange(len(cust["tier"])), self.sliders), 2, replace=False)
        rc = np.repeat(repeat, 3)
        rday = self.as_of - np.tile([20, 9, 1], 2)  # the latest came in yesterday: still open
        cc = np.concatenate([cc, sc2, rc])
        cday = np.concatenate([cday, sday, rday])
        category = np.concatenate([category, np.full(spike, "quality"),
                                   rng.choice(["delivery", "service"], len(rc))])
        m = len(cc)
        received = cday.astype("datetime64[s]") + rng.integers(8 * 3600, 18 * 3600, m)
        hours = np.where(rng.random(m) < 0.86, rng.uniform(0.5, 22, m), rng.uniform(25, 72, m))
        hours[m - 1] = 60  # yesterday's last complaint: not forwarded to QA, its clock has run out
        forwarded = received + (hours * 3600).astype(np.int64)
        issued = forwarded + rng.integers(1 * 86400, 7 * 86400, m)
        hours2 = np.where(rng.random(m) < 0.88, rng.uniform(0.5, 22, m), rng.uniform(25, 80, m))
        delivered = issued + (hours2 * 3600).astype(np.int64)
        closed = delivered + rng.integers(0, 3 * 86400, m)
        now = (self.as_of + 1).astype("datetime64[s]")  # the end of the as-of day
        nat = np.datetime64("NaT", "s")
        forwarded = np.where(forwarded < now, forwarded, nat)
        issued = np.where(~np.isnat(forwarded) & (issued < now), issued, nat)
        delivered = np.where(~np.isnat(issued) & (delivered < now), delivered, nat)
        closed = np.where(~np.isnat(delivered) & (closed < now), closed, nat)
        order = np.argsort(received, kind="stable")
        self.tables["complaints"] = pa.table({
            "complaint_id": ids("CP", np.arange(1, m + 1), 6),
            "customer_id": ids("C", cc[order] + 1, 6),
            "salesperson_id": ids("S", self.owner_on(cc[order], cday[order]) + 1, 4),
            "region_id": ids("R", cust["region"][cc[order]] + 1, 2),
            "category": category[order], "received_at": received[order],
            "forwarded_to_qa_at": forwarded[order], "action_issued_at": issued[order],
            "action_delivered_at": delivered[order], "closed_at": closed[order],
            "description": [COMPLAINT_TEXT[k] for k in category[order]],
        })

    # -- competitors -----------------------------------------------------------------
    def competitors(self) -> None:
        rng, cust = self.rng, self.cust
        n = int(len(cust["tier"]) / 3000 * 2.0 * self.n_days)
        day = self.start + np.sort(rng.integers(0, self.n_days, n))
        surge_from = self.as_of.astype("datetime64[M]") - 3
        months_in = (day.astype("datetime64[M]") - surge_from).astype(int)  # 0..3 during surge
        surging = months_in >= 0
        p_surger = np.where(surging, 0.25 + 0.1 * months_in, 0.06)
        is_surger = rng.random(n) < p_surger
        others = rng.choice(4, n, p=[0.3, 0.3, 0.25, 0.15])
        competitor = np.where(is_surger, 4, others)
        # extra notes about the surger in the surge months: mentions rise in absolute terms too
        topic = rng.choice(list(NOTE_TEXT), n, p=[0.35, 0.2, 0.15, 0.1, 0.05, 0.15])
        c = rng.choice(len(cust["tier"]), n, p=cust["weight"] / cust["weight"].sum())
        line = rng.integers(0, len(PRODUCT_LINES), n)
        our = np.array([np.mean(PRODUCT_LINES[k][3]) for k in line])
        our = np.round(our * rng.uniform(0.9, 1.1, n), -1)
        gap = rng.normal(-0.02, 0.04, n)
        gap = np.where(is_surger & surging, -0.06 - 0.04 * months_in + rng.normal(0, 0.02, n), gap)
        gap = np.where(is_surger & ~surging, rng.normal(-0.03, 0.02, n), gap)
        priced = (topic == "price") & (rng.random(n) < 0.93)  # some price notes lack a figure
        their = np.where(priced, np.round(our * (1 + gap), -1), np.nan)
        our_p = np.where(topic == "price", our, np.nan)
        win_p = np.where(is_surger & surging, 0.25, 0.55)
        outcome = np.where(topic == "bid", np.where(rng.random(n) < win_p, "won", "lost"), None)
        seller = self.owner_on(c, day)
        self.tables["competitor_notes"] = pa.table({
            "note_id": ids("N", np.arange(1, n + 1), 7), "note_date": day,
            "salesperson_id": ids("S", seller + 1, 4), "customer_id": ids("C", c + 1, 6),
            "region_id": ids("R", cust["region"][c] + 1, 2),
            "competitor": np.array(COMPETITORS)[competitor], "topic": topic,
            "product_line": np.array([PRODUCT_LINES[k][0] for k in line]),
            "their_price": pa.array(their, from_pandas=True),
            "our_price": pa.array(our_p, from_pandas=True),
            "bid_outcome": pa.array(outcome, type=pa.string()),
            "note_text": [NOTE_TEXT[t].format(c=COMPETITORS[k]) for t, k in zip(topic, competitor)],
        })

    # -- expenses --------------------------------------------------------------------
    def expenses(self) -> None:
        rng = self.rng
        people = np.concatenate([self.kams, self.sellers])
        months = np.arange(self.start.astype("datetime64[M]"),
                           np.datetime64(f"{self.as_of.astype('datetime64[Y]')}-12", "M") + 1)
        cats = ["travel", "entertainment", "samples", "marketing", "communication"]
        base = np.array([3000, 4000, 1500, 2000, 300])
        pp, mm, kk = np.meshgrid(people, months, np.arange(len(cats)), indexing="ij")
        pp, mm, kk = pp.ravel(), mm.ravel(), kk.ravel()
        day0 = mm.astype("datetime64[D]")
        active = (day0 >= self.hired[pp].astype("datetime64[M]").astype("datetime64[D]")) & (
            np.isnat(self.left[pp]) | (day0 <= self.left[pp]))
        pp, mm, kk, day0 = pp[active], mm[active], kk[active], day0[active]
        budget = np.round(base[kk] * self.region_weight[self.person_region[pp]] ** 0.5
                          * rng.uniform(0.8, 1.2, len(pp)) / 100) * 100
        self.tables["expense_budgets"] = pa.table({
            "salesperson_id": ids("S", pp + 1, 4),
            "region_id": ids("R", self.person_region[pp] + 1, 2),
            "month": day0, "category": np.array(cats)[kk], "budget_amount": budget,
        })
        # spending: months up to the as-of date, about the budget, sometimes over
        spent = day0 <= self.as_of
        pp, kk, day0, budget = pp[spent], kk[spent], day0[spent], budget[spent]
        total = budget * rng.lognormal(-0.07, 0.18, len(pp))
        n_items = rng.integers(1, 5, len(pp))
        idx = np.repeat(np.arange(len(pp)), n_items)
        parts = rng.random(len(idx))
        parts = parts / np.bincount(idx, parts)[idx]
        amount_cents = np.round(total[idx] * parts * 100).astype(np.int64)
        length = (((day0.astype("datetime64[M]") + 1).astype("datetime64[D]") - day0).astype(int))
        eday = day0[idx] + (rng.random(len(idx)) * length[idx]).astype(int)
        ok = eday <= self.as_of
        # spend with no budget: occasional "other" claims
        n_other = len(people) * 6
        op = rng.choice(people, n_other)
        oday = self.start + rng.integers(0, self.n_days, n_other)
        ok_other = (oday >= self.hired[op]) & (np.isnat(self.left[op]) | (oday <= self.left[op]))
        e_person = np.concatenate([pp[idx][ok], op[ok_other]])
        e_day = np.concatenate([eday[ok], oday[ok_other]])
        e_cat = np.concatenate([np.array(cats)[kk[idx][ok]], np.full(ok_other.sum(), "other")])
        e_amount = np.concatenate([amount_cents[ok], rng.integers(5_000, 80_000, ok_other.sum())])
        order = np.argsort(e_day, kind="stable")
        self.tables["expenses"] = pa.table({
            "expense_id": ids("E", np.arange(1, len(order) + 1), 8), "expense_date": e_day[order],
            "salesperson_id": ids("S", e_person[order] + 1, 4),
            "region_id": ids("R", self.person_region[e_person[order]] + 1, 2),
            "customer_id": pa.nulls(len(order), pa.string()), "category": e_cat[order],
            "amount": money(e_amount[order]), "description": pa.nulls(len(order), pa.string()),
        })

    # -- commissions -----------------------------------------------------------------
    def commissions(self) -> None:
        """Deals and the registration records that decide their attribution (story 7)."""
        rng, cust = self.rng, self.cust
        n = self.scale.deals_per_month * int(self.n_days / 30.4)
        newc = np.flatnonzero(cust["is_new"] & (cust["registered"] < self.as_of - 30))
        dc = rng.choice(newc, n)
        close = np.minimum(cust["registered"][dc] + rng.integers(7, 60, n), self.as_of)
        line = rng.integers(0, len(PRODUCT_LINES), n)
        units = rng.integers(1, 6, n)
        unit_price = np.array([np.mean(PRODUCT_LINES[k][3]) for k in line])
        amount = np.round(units * unit_price * rng.uniform(0.85, 1.05, n) / 10) * 10
        order = np.argsort(close, kind="stable")
        dc, close = dc[order], close[order]
        closer = self.owner_on(dc, close)
        # only a customer's first deal can carry a referral or lead claim; repeat orders don't
        first_deal = np.zeros(n, dtype=bool)
        first_deal[np.unique(dc, return_index=True)[1]] = True
        source = np.where(first_deal, rng.choice(["none", "referral", "lead"], n, p=[0.4, 0.38, 0.22]),
                          "none")
        status = np.where(rng.random(n) < 0.06, "cancelled", "closed")
        kam_of_region = {r: self.kams[self.person_region[self.kams] == r] for r in range(len(REGIONS))}
        regs = []  # (customer, company, phone, by, at(seconds), channel, first_visit)
        names, phones = cust["names"], cust["phone"]

        def at(day: np.datetime64, back_days: int) -> np.datetime64:
            return (day - back_days).astype("datetime64[s]") + int(rng.integers(9 * 3600, 18 * 3600))

        for i in range(n):
            c = dc[i]
            phone = phones[c] if phones[c] is not None else None
            if not first_deal[i]:
                continue
            if source[i] == "none":
                if rng.random() < 0.5:
                    regs.append((c, names[c], phone, closer[i], at(close[i], int(rng.integers(3, 40))),
                                 "salesperson", True))
                continue
            pool = kam_of_region.get(cust["region"][c])
            kam = rng.choice(pool if pool is not None and len(pool) else self.kams)
            reg_back = int(rng.integers(10, 60))
            kind = rng.random()
            first_visit = not (0.08 <= kind < 0.14)  # void: not a first visit
            regs.append((c, names[c], phone, kam, at(close[i], reg_back), source[i], first_visit))
            if kind < 0.08:  # void: someone else registered the same company or phone earlier
                by = rng.choice(np.concatenate([self.kams[self.kams != kam], [closer[i]]]))
                same_phone_only = rng.random() < 0.5 and phone is not None
                company = names[c].replace("有限公司", "") if same_phone_only else names[c]
                regs.append((c, company, phone, by, at(close[i], reg_back + int(rng.integers(5, 90))),
                             "walk_in" if by == closer[i] else "referral", True))
            elif kind > 0.95:  # a second, competing claim from another channel
                other = rng.choice(self.kams)
                regs.append((c, names[c], phone, other, at(close[i], reg_back + int(rng.integers(-8, 9))),
                             "lead" if source[i] == "referral" else "referral", True))
        rc, rname, rphone, rby, rat, rchan, rfirst = zip(*regs)
        order = np.argsort(np.array(rat), kind="stable")
        take = lambda seq: [seq[k] for k in order]  # noqa: E731
        self.tables["registrations"] = pa.table({
            "registration_id": ids("RG", np.arange(1, len(order) + 1), 6),
            "customer_id": ids("C", np.array(take(rc)) + 1, 6),
            "company_name": take(rname), "phone": pa.array(take(rphone), type=pa.string()),
            "registered_by": ids("S", np.array(take(rby)) + 1, 4),
            "registered_at": np.array(take(rat)), "channel": take(rchan),
            "first_visit": take(rfirst),
        })
        self.tables["deals"] = pa.table({
            "deal_id": ids("D", np.arange(1, n + 1), 6),
            "customer_id": ids("C", dc + 1, 6),
            "product_line": np.array([PRODUCT_LINES[k][0] for k in line]),
            "units": units.astype(np.int32), "amount": amount,
            "close_date": close, "closer_id": ids("S", closer + 1, 4),
            "status": status, "attribution_source": source,
        })
        base_rows = [(f"CR{k + 1:02d}", "base_rate", pl[0], pl[1], "2020-01-01", None)
                     for k, pl in enumerate(PRODUCT_LINES)]
        base_rows[2] = ("CR03", "base_rate", PRODUCT_LINES[2][0], 0.05, "2020-01-01", "2025-07-01")
        base_rows += [
            ("CR06", "base_rate", PRODUCT_LINES[2][0], 0.045, "2025-07-01", None),
            ("CR07", "referral_share", None, 0.5, "2020-01-01", None),
            ("CR08", "lead_bonus_per_unit", None, 200.0, "2020-01-01", None),
        ]
        rid, kind, pl, value, frm, to = zip(*base_rows)
        self.tables["commission_rules"] = pa.table({
            "rule_id": list(rid), "kind": list(kind), "product_line": pa.array(pl, pa.string()),
            "value": list(value),
            "effective_from": pa.array([dt.date.fromisoformat(d) for d in frm]),
            "effective_to": pa.array([dt.date.fromisoformat(d) if d else None for d in to], pa.date32()),
        })

    # -- weekly activity -------------------------------------------------------------
    def activities(self) -> None:
        rng = self.rng
        weekday = (self.days.astype(np.int64) + 3) % 7
        work = self.days[weekday < 5]
        kk, dd = np.meshgrid(self.kams, work, indexing="ij")
        kk, dd = kk.ravel(), dd.ravel()
        pace = rng.uniform(0.95, 1.15, len(self.kams) + 2)[kk]
        # story 8: the short manager's last four complete ISO weeks fall short
        as_of_weekday = int((self.as_of.astype(np.int64) + 3) % 7)
        this_monday = self.as_of - as_of_weekday
        short_from = this_monday - 28
        short = (kk == self.kams[SHORT_KAM]) & (dd >= short_from) & (dd < this_monday)
        pace = np.where(short, 0.55, pace)
        self.tables["activities"] = pa.table({
            "salesperson_id": ids("S", kk + 1, 4), "activity_date": dd,
            "orgs_developed": rng.poisson(1.3 * pace).astype(np.int32),
            "batches_on_site": rng.poisson(4.8 * pace).astype(np.int32),
            "leads_submitted": rng.poisson(26.0 * pace).astype(np.int32),
        })
        self.tables["activity_quotas"] = pa.table({
            "rule_id": ["AQ1", "AQ2", "AQ3"],
            "measure": ["orgs_developed", "batches_on_site", "leads_submitted"],
            "weekly_quota": pa.array([3, 16, 100], pa.int32()),
            "fine_per_missing": [100.0, 10.0, 1.0],
            "effective_from": pa.array([dt.date(2020, 1, 1)] * 3),
            "effective_to": pa.nulls(3, pa.date32()),
        })
        self.tables["scorecard_weights"] = pa.table({
            "component": ["sales_attainment", "collections_attainment", "expense_control",
                          "revisit_completion", "complaint_timeliness", "new_customers"],
            "weight": [30.0, 20.0, 15.0, 15.0, 10.0, 10.0],
            "effective_from": pa.array([dt.date(2020, 1, 1)] * 6),
            "effective_to": pa.nulls(6, pa.date32()),
        })

    # -- customer development --------------------------------------------------------
    def pipeline(self) -> None:
        """Opportunities with their stage history and plans, contracts with their reviews, and
        payment and invoicing plans tied to the customers' invoices. Stories: the surging
        competitor wins fewer of the last months' negotiations; one key-account manager lets
        approved projects stall without plans; a contract agreed last week waits unsigned.
        Every opportunity walks its stages together with the others, a step at a time."""
        rng, cust = self.rng, self.cust
        n = int(len(cust["tier"]) / 3000 * 1800 * self.n_days / 365)
        created = np.sort(rng.integers(0, self.n_days, n))
        on_customer = rng.random(n) < 0.6
        c = rng.choice(len(cust["tier"]), n, p=cust["weight"] / cust["weight"].sum())
        region = np.where(on_customer, cust["region"][c], rng.choice(len(REGIONS), n,
                                                                     p=self.region_weight / self.region_weight.sum()))
        owner = self.owner_on(c, self.start + created)
        for r in range(len(REGIONS)):  # a prospect's owner: a key-account manager of its region, or a salesperson
            mine = np.flatnonzero(~on_customer & (region == r))
            kams = self.kams[self.person_region[self.kams] == r]
            sellers = self.sellers[(self.person_region[self.sellers] == r) & (self.sellers != self.leaver)]
            by_kam = (rng.random(len(mine)) < 0.5) & (len(kams) > 0)
            owner[mine] = np.where(by_kam, rng.choice(kams if len(kams) else sellers, len(mine)),
                                   rng.choice(sellers, len(mine)))
        slow = owner == self.kams[0]  # story: approved projects stall with this manager
        amount = np.round(rng.lognormal(np.log(5_000_000), 0.8, n) * np.where(cust["tier"][c] == "A", 1.5, 1.0), -3)
        amount = np.where(on_customer, amount, np.round(amount * 0.8, -2))
        surge_from = int(((self.as_of.astype("datetime64[M]") - 3).astype("datetime64[D]") - self.start).astype(int))
        competitor = np.where(rng.random(n) < 0.6, rng.integers(0, len(COMPETITORS), n), -1)
        surging = created >= surge_from - 60
        competitor = np.where(surging & (rng.random(n) < 0.35), 4, competitor)
        # stage walk: lead 0, approved 1, proposal 2, negotiation 3, won 4; lost 5
        advance = np.array([0.72, 0.82, 0.62, 0.55])
        stay = np.array([8, 12, 18, 14])
        today = self.n_days - 1
        day, k, alive = created.copy(), np.zeros(n, np.int64), np.ones(n, bool)
        entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (opportunity, day, stage), in order
        lost_reason = np.full(n, None, dtype=object)
        while alive.any():
            now = np.flatnonzero(alive)
            entries.append((now, day[now], k[now]))
            alive[now[k[now] == 4]] = False  # won
            now = now[k[now] < 4]
            stage = k[now]
            days = rng.lognormal(np.log(stay[stage] * np.where(slow[now] & (stage >= 1), 4, 1)), 0.5).astype(int) + 1
            odds = np.where((competitor[now] == 4) & surging[now] & (stage == 3), 0.25, advance[stage])
            ended = day[now] + days > today
            alive[now[ended]] = False  # still open today
            now, stage, odds = now[~ended], stage[~ended], odds[~ended]
            day[now] += days[~ended]
            back = (stage == 3) & (rng.random(len(now)) < 0.1)  # moved back to a new quote, then on again
            entries.append((now[back], day[now[back]], np.full(back.sum(), 2)))
            day[now[back]] += rng.integers(3, 15, back.sum())
            alive[now[back][day[now[back]] > today]] = False
            now, odds = now[~back], odds[~back]
            onwards = rng.random(len(now)) < odds
            k[now[onwards]] += 1
            gone = now[~onwards]
            entries.append((gone, day[gone], np.full(len(gone), 5)))
            alive[gone] = False
            lost_reason[gone] = np.where((competitor[gone] == 4) | (rng.random(len(gone)) < 0.4), "price",
                                         rng.choice(["product", "relationship", "timing", "no_budget", "other"],
                                                    len(gone)))
        opp = np.concatenate([e[0] for e in entries])
        when = np.concatenate([e[1] for e in entries])
        what = np.concatenate([e[2] for e in entries])
        order = np.argsort(opp, kind="stable")  # each opportunity's entries in the order they came
        opp, when, what = opp[order], when[order], what[order]
        last = np.r_[opp[1:] != opp[:-1], True]
        stage = np.full(n, -1)
        stage[opp[last]] = what[last]
        last_day = np.zeros(n, np.int64)
        last_day[opp[last]] = when[last]
        approved = np.full(n, -1)
        approved[opp[what == 1]] = when[what == 1]  # a project is approved once: stages only move on from it
        won, open_ = stage == 4, stage <= 3
        on_customer |= won  # a prospect that signs becomes a customer of the archive
        expected = np.where(open_, last_day + rng.integers(20, 90, n), last_day)
        expected = np.where(open_ & (expected <= today), today + rng.integers(5, 120, n), expected)
        next_on = np.minimum(today + rng.integers(1, 21, n), last_day + 60)
        names = np.array(["lead", "approved", "proposal", "negotiation", "won", "lost"])
        oid = _codes("OP", np.arange(1, n + 1), 6)
        words = np.array(WORDS)
        prospect = pa.array(np.char.add(np.char.add(np.char.add(np.char.add(
            np.array([name for name, *_ in REGIONS])[region], words[c % len(words)]),
            words[(c // 7) % len(words)]), np.array([i[1] for i in INDUSTRIES])[c % len(INDUSTRIES)]), "（筹）"))
        dates = lambda days: pa.array(self.start + days)  # noqa: E731
        self.tables["opportunities"] = pa.table({
            "opportunity_id": oid,
            "customer_id": pc.if_else(pa.array(on_customer), ids("C", c + 1, 6), pa.nulls(n, pa.string())),
            "prospect_name": pc.if_else(pa.array(on_customer), pa.nulls(n, pa.string()), prospect),
            "owner_id": ids("S", owner + 1, 4), "region_id": ids("R", region + 1, 2),
            "stage": pa.array(names[stage]), "created_on": dates(created),
            "approved_on": pa.array(self.start + approved, mask=approved < 0),
            "approved_by": pa.array(np.where(approved >= 0, "S0001", None)),
            "expected_amount": pa.array(amount), "expected_close_on": dates(expected),
            "competitor": pa.array(np.where(competitor >= 0, np.array(COMPETITORS)[competitor], None)),
            "lost_reason": pa.array(lost_reason, pa.string()),
            "next_step": pa.array(np.where(open_, rng.choice(NEXT_STEPS, n), None)),
            "next_step_on": pa.array(self.start + next_on, mask=~open_),
        }, schema=OPPORTUNITY_SCHEMA)
        self.tables["opportunity_stages"] = pa.table({
            "opportunity_id": pc.take(oid, pa.array(opp)), "entered_on": dates(when),
            "stage": pa.array(names[what])})
        # development plans: most approved projects have two to four actions spread to their end,
        # never the open ones of the manager who lets them stall
        planned = np.flatnonzero((approved >= 0) & ~(slow & open_) & (rng.random(n) < 0.85))
        count = rng.integers(2, 5, len(planned))
        of = np.repeat(planned, count)
        step = np.arange(len(of)) - np.repeat(np.cumsum(count) - count, count) + 1  # 1, 2, … within each plan
        end = np.where(open_, expected, last_day)[of]
        due = approved[of] + (end - approved[of]) * step // 5 + 1
        done = due + rng.integers(-3, 4, len(of))
        finished = (due < today) & (rng.random(len(of)) < 0.85) & (done <= today)
        self.tables["development_actions"] = pa.table({
            "action_id": _codes("DA", np.arange(1, len(of) + 1), 7), "opportunity_id": pc.take(oid, pa.array(of)),
            "action_text": pa.array(rng.choice(ACTIONS, len(of))), "owner_id": ids("S", owner[of] + 1, 4),
            "due_on": dates(due), "done_on": pa.array(self.start + done, mask=~finished),
        }, schema=ACTION_SCHEMA)
        # contracts of the won, with their schedules tied to the customer's invoices after signing
        inv = self.invoice_rows
        by_customer = np.lexsort((inv["issue"], inv["cust"]))  # each customer's invoices, by issue day
        bounds = np.searchsorted(inv["cust"][by_customer], np.arange(len(cust["tier"]) + 1))
        contracts, pay_plans, inv_plans = [], [], []
        last_week = np.flatnonzero(won & (last_day >= today - 6))
        unsigned = set(last_week[rng.random(len(last_week)) < 0.3]) or set(last_week[-1:])  # at least one waits
        for i in np.flatnonzero(won):  # a few in a hundred opportunities: made one by one
            chosen = by_customer[bounds[c[i]]:bounds[c[i] + 1]]
            chosen = chosen[inv["issue"][chosen] >= last_day[i]][:int(rng.integers(1, 4))]
            self._contract(rng, oid[i].as_py(), c[i], owner[i], region[i], last_day[i], amount[i], chosen,
                           i in unsigned, contracts, pay_plans, inv_plans)
        self.tables["contracts"] = pa.Table.from_pylist(contracts, schema=CONTRACT_SCHEMA)
        self.tables["payment_plans"] = pa.Table.from_pylist(pay_plans)
        self.tables["invoice_plans"] = pa.Table.from_pylist(inv_plans, schema=INVOICE_PLAN_SCHEMA)
        self.tables["stage_probabilities"] = pa.table({
            "stage": ["lead", "approved", "proposal", "negotiation"] * 2,
            "probability_pct": [10.0, 20.0, 40.0, 60.0, 10.0, 25.0, 45.0, 70.0],
            "effective_from": pa.array([dt.date(2020, 1, 1)] * 4 + [dt.date(self.as_of.astype(object).year, 1, 1)] * 4),
            "effective_to": pa.array([dt.date(self.as_of.astype(object).year, 1, 1)] * 4 + [None] * 4, pa.date32()),
        })

    def _contract(self, rng, oid, customer, owner, region, won_day, amount, chosen, unsigned, contracts, pay_plans,
                  inv_plans) -> None:
        """The contract of a won opportunity: agreed the day it was won, signed within hours
        (one in eight late; `unsigned`: agreed in the last week and still waiting), reviewed. Its
        schedules name the customer's invoices issued from then on (`chosen`: the instalments their
        payments settle); one of the last four months plans the rest in two parts ahead, one in
        five with a part due earlier this month, not yet invoiced."""
        inv, today = self.invoice_rows, self.n_days - 1
        cid = f"CT{len(contracts) + 1:06d}"
        agreed = np.datetime64(self.start + won_day, "m") + np.timedelta64(int(rng.integers(9 * 60, 18 * 60)), "m")
        now = np.datetime64(self.as_of + 1, "m")
        late = rng.random() < 0.12
        signed = agreed + np.timedelta64(int(rng.integers(25 * 60, 72 * 60) if late
                                             else rng.lognormal(np.log(300), 0.6)), "m")
        if unsigned:
            signed = None  # story: agreed in the last week, still waiting for the signature
        first = None if signed is None else signed + np.timedelta64(int(rng.integers(120, 4 * 24 * 60)), "m")
        returned = first is not None and rng.random() < 0.05
        gm = None if first is None or returned else first + np.timedelta64(int(rng.integers(240, 7 * 24 * 60)), "m")
        first = first if first is not None and first < now else None
        gm = gm if gm is not None and first is not None and gm < now else None
        issued = int(inv["amount"][chosen].sum())
        rest = max(int(amount * 100) - issued, 100_000)
        contracts.append({
            "contract_id": cid, "opportunity_id": oid, "customer_id": f"C{customer + 1:06d}",
            "salesperson_id": f"S{owner + 1:04d}", "region_id": f"R{region + 1:02d}", "amount": (issued + rest) / 100,
            "agreed_at": agreed.astype(object), "signed_at": None if signed is None else signed.astype(object),
            "first_review_by": None if first is None else "S0001",
            "first_review_at": None if first is None else first.astype(object),
            "first_review_outcome": None if first is None else ("returned" if returned else "approved"),
            "gm_review_by": None if gm is None else "总经理",
            "gm_review_at": None if gm is None else gm.astype(object),
            "gm_review_outcome": None if gm is None else "approved",
        })
        parts = [(int(inv["issue"][r]), int(inv["due"][r]), int(inv["amount"][r]), f"INV{r + 1:08d}") for r in chosen]
        if won_day >= today - 120:  # an older contract's schedule is what was invoiced
            month_start = int((self.as_of.astype("datetime64[M]").astype("datetime64[D]") - self.start).astype(int))
            first_due = today + int(rng.integers(3, 60))
            if rng.random() < 0.2 and month_start < today:
                first_due = int(rng.integers(month_start, today))  # due this month, not invoiced yet
            half = rest // 2
            parts += [(first_due, first_due + 30, half, None), (first_due + 90, first_due + 120, rest - half, None)]
        for number, (issue, due, cents, invoice) in enumerate(parts, start=1):
            inv_plans.append({"contract_id": cid, "instalment_no": number, "due_date": self._date(issue),
                              "amount": cents / 100, "invoice_id": invoice})
            pay_plans.append({"contract_id": cid, "instalment_no": number, "due_date": self._date(due),
                              "amount": cents / 100})

    def _date(self, day: int) -> dt.date:
        return (self.start + int(day)).astype(object)

    def generate(self) -> dict[str, pa.Table]:
        steps = [
            ("people", self.people), ("customers", self.customers),
            ("products", self.products), ("sales", self.sales), ("targets", self.targets),
            ("receivables", self.receivables), ("customer archive", self.customer_table),
            ("visits", self.visits), ("satisfaction", self.satisfaction),
            ("competitors", self.competitors), ("expenses", self.expenses),
            ("commissions", self.commissions), ("activities", self.activities), ("pipeline", self.pipeline),
        ]
        for label, step in steps:
            began = time.perf_counter()
            step()
            self.progress(f"  generated {label} in {time.perf_counter() - began:.1f} s")
        return self.tables

    def stories(self) -> dict[str, object]:
        """Who and what each planted story is about, by the codes in the store."""
        code = lambda prefix, i, width: f"{prefix}{i + 1:0{width}d}"  # noqa: E731
        return {
            "behind_salesperson": code("S", self.behind, 4),
            "ahead_region": code("R", AHEAD_REGION, 2),
            "surging_competitor": SURGING_COMPETITOR,
            "incident_month": str(self.incident_month),
            "sliding_customers": sorted(code("C", c, 6) for c in self.sliders),
            "over_credit_customer": code("C", self.over_limit, 6),
            "short_kam": code("S", self.kams[SHORT_KAM], 4),
            "stalling_kam": code("S", self.kams[0], 4),
            "leaver": code("S", self.leaver, 4),
            "newcomer": code("S", self.newcomer, 4),
        }


def build(
    path: str | os.PathLike | None = None,
    *,
    seed: int = 7,
    as_of: dt.date | None = None,
    scale: str = "small",
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> Built:
    """Build the demo store at `path`; an existing store is replaced only with force=True.

    The store is built in a temporary file beside the target and moved into place at the
    end, so a failed build leaves any existing store untouched.
    """
    if scale not in SCALES:
        raise db.StoreError(f"unknown scale '{scale}'; choose one of {', '.join(SCALES)}")
    target = db.store_path(path)
    as_of = as_of or dt.date.today()
    if target.exists():
        if not force:
            raise db.StoreError(f"{target} already exists; pass --force to replace it.")
        db.connect(target).close()  # fails at once if another process holds it
    began = time.perf_counter()
    progress(f"Building the demo store ({scale}, seed {seed}, as of {as_of}) at {target}")
    generator = Generator(seed, as_of, SCALES[scale], progress)
    tables = generator.generate()
    stories = generator.stories()
    partial = target.with_name(target.name + ".building")
    for leftover in (partial, Path(str(partial) + ".wal")):
        leftover.unlink(missing_ok=True)
    con = db.connect(partial, create=True)
    try:
        db.create_schema(con)
        now = dt.datetime.now().replace(microsecond=0)
        con.execute("BEGIN")
        for number, name in enumerate(t for t in db.TABLES if t in tables):
            load_began = time.perf_counter()
            con.register("frame", tables[name])
            con.execute(db.insert_from_frame(name))
            con.unregister("frame")
            con.execute(
                "INSERT INTO import_log VALUES ($id, $table, $at, 'demo', NULL, NULL, $rows,"
                " 'demo', 'ok', $message)",
                {"id": number + 1, "table": name, "at": now, "rows": tables[name].num_rows,
                 "message": f"demo seed {seed} scale {scale}"},
            )
            if time.perf_counter() - load_began > 1:
                progress(f"  loaded {name} ({tables[name].num_rows:,} rows) "
                         f"in {time.perf_counter() - load_began:.1f} s")
        con.execute(
            "INSERT INTO store_meta (id, schema_version, as_of_date, store_version, built_at, demo_seed, demo_scale) "
            "VALUES (1, $version, $as_of, 1, $at, $seed, $scale)",  # pinned: the demo is as of its date
            {"version": db.SCHEMA_VERSION, "as_of": as_of, "at": now, "seed": seed, "scale": scale},
        )
        db.refresh_derived(con)  # after store_meta: some summaries are as of the store's today
        demo_plans(con, as_of)
        demo_key_customers(con, as_of)
        con.execute("COMMIT")
        logins = demo_accounts(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    db.close_shared(target)
    os.replace(partial, target)
    seconds = time.perf_counter() - began
    progress(f"Done in {seconds:.1f} s: {target} ({target.stat().st_size / 2**20:.0f} MiB)")
    progress("Planted stories: " + "; ".join(f"{k} {v}" for k, v in stories.items()))
    return Built(tables, stories, seconds, logins)


def demo_plans(con, as_of: dt.date) -> None:
    """The year's plan versions (store/planning.py): the January plan, in which the first
    region's money targets were 10 % higher, and — from July — the mid-year adjustment that cut
    them to the targets in force."""
    year = as_of.year
    versions = [(1, f"{year} 年初计划", dt.datetime(year, 1, 8, 9, 30), 1.1)]
    if as_of >= dt.date(year, 7, 1):
        versions.append((2, "年中调整", dt.datetime(year, 7, 3, 16, 0), 1.0))
    for version, name, saved_at, factor in versions:
        con.execute("INSERT INTO plan_versions VALUES ($v, 'targets', $y, $n, 'head', $at)",
                    {"v": version, "y": year, "n": name, "at": saved_at})
        con.execute("""INSERT INTO plan_targets
                       SELECT $v, t.salesperson_id, t.month, t.metric,
                              if(cut, round(t.plan_value * $f, -2), t.plan_value),
                              if(cut, round(t.stretch_value * $f, -2), t.stretch_value)
                       FROM targets t JOIN salespeople sp USING (salesperson_id),
                            LATERAL (SELECT sp.region_id = (SELECT min(region_id) FROM regions)
                                            AND t.metric <> 'new_customers' AS cut)
                       WHERE year(t.month) = $y""", {"v": version, "y": year, "f": factor})


def demo_key_customers(con, as_of: dt.date) -> None:
    """Key customers' expense budgets: most of the entertainment and samples claims of a person
    with tier-A customers name one of them, and each of those customers has three quarters of
    its owner's entertainment and samples budget of every month of the year, shared equally
    (rounded down to ¥10), kept as the version "重点客户费用" saved in January."""
    con.execute("""UPDATE expenses e SET customer_id = k.customers[(1 + hash(e.expense_id) % len(k.customers))::BIGINT]
                   FROM (SELECT owner_id, list(customer_id ORDER BY customer_id) AS customers FROM customers
                         WHERE tier = 'A' AND owner_id IS NOT NULL GROUP BY owner_id) k
                   WHERE k.owner_id = e.salesperson_id AND e.category IN ('entertainment', 'samples')
                     AND hash(e.expense_id || 'k') % 10 < 7""")
    con.execute("""INSERT INTO customer_budgets
                   WITH k AS (SELECT customer_id, owner_id, count(*) OVER (PARTITION BY owner_id) AS n
                              FROM customers WHERE tier = 'A' AND owner_id IS NOT NULL)
                   SELECT k.customer_id, b.month, k.owner_id,
                          floor(sum(b.budget_amount) * 0.75 / any_value(k.n) / 10) * 10
                   FROM k JOIN expense_budgets b ON b.salesperson_id = k.owner_id
                   WHERE year(b.month) = $y AND b.category IN ('entertainment', 'samples')
                   GROUP BY k.customer_id, b.month, k.owner_id""", {"y": as_of.year})
    version = con.execute("INSERT INTO plan_versions SELECT coalesce(max(version_id), 0) + 1, 'customers', $y, "
                          "'重点客户费用', 'head', $at FROM plan_versions RETURNING version_id",
                          {"y": as_of.year, "at": dt.datetime(as_of.year, 1, 9, 10, 0)}).fetchone()[0]
    con.execute("INSERT INTO plan_customer_budgets SELECT $v, customer_id, month, salesperson_id, budget_amount "
                "FROM customer_budgets", {"v": version})
    db.refresh_derived(con, "customer_budgets")


def demo_accounts(con) -> list[tuple[str, str, str]]:
    """One account of each role for the demo, each with a generated password (shown once, when
    the demo is built): (account, what it sees and may do, password)."""
    region, region_name, region_zh = con.execute(
        "SELECT region_id, name_en, name_zh FROM regions ORDER BY region_id").fetchone()
    person, person_name = con.execute(
        "SELECT salesperson_id, name FROM salespeople s WHERE region_id = $r AND left_on IS NULL "
        "AND role = 'salesperson' AND EXISTS (SELECT 1 FROM sales WHERE salesperson_id = s.salesperson_id) "
        "ORDER BY salesperson_id", {"r": region}).fetchone()
    made = []
    for name, role, where, shown, about in (
            ("head", "head", {}, "部长", "head: everything; imports, planning, accounts, audit log"),
            ("gm", "viewer", {}, "总经理", "general manager: everything, read only"),
            ("lead", "regional_lead", {"region": region}, f"{region_zh}区域主管", f"regional lead: {region_name} only"),
            ("sales", "salesperson", {"salesperson": person}, person_name, f"salesperson: {person_name}'s own"),
            ("clerk", "assistant", {}, "内勤", "assistant: everything; imports, data quality, planning")):
        made.append((name, about, accounts.add_user(con, name, role, display_name=shown, by="demo", **where)))
    return made
