"""What import templates and files call each column of the store: its Chinese header (a
file may use the English column name or this, alike) and, where the name does not say it
all, what it holds. Types, required, allowed values and references come from the schema
itself (store/importer.py reads them), so they cannot drift from it."""

from __future__ import annotations

# Chinese headers by column name; TABLE_HEADERS overrides a name inside one table.
HEADERS = {
    "region_id": "区域编号", "name_zh": "区域名称", "name_en": "英文名称",
    "salesperson_id": "业务员编号", "name": "名称", "role": "岗位", "phone": "电话",
    "hired_on": "入职日期", "left_on": "离职日期",
    "customer_id": "客户编号", "tier": "客户等级", "industry": "行业", "owner_id": "负责人编号",
    "address": "地址", "credit_limit": "信用额度", "registered_on": "建档日期",
    "product_id": "产品编号", "product_line": "产品线", "list_price": "标价",
    "line_id": "明细行号", "order_id": "订单号", "order_date": "订单日期", "quantity": "数量",
    "amount": "金额", "cost": "成本",
    "month": "月份", "metric": "指标", "plan_value": "计划目标", "stretch_value": "挑战目标",
    "invoice_id": "发票号", "issue_date": "开票日期", "due_date": "到期日",
    "payment_id": "收款编号", "paid_on": "收款日期",
    "plan_id": "回访计划编号", "planned_month": "计划月份",
    "visit_id": "拜访编号", "visit_date": "拜访日期", "purpose": "拜访目的", "outcome": "拜访结果",
    "record_filed_on": "记录提交日期",
    "survey_id": "问卷编号", "survey_date": "调查日期", "overall_score": "总体评分",
    "quality_score": "质量评分", "service_score": "服务评分", "delivery_score": "交付评分",
    "price_score": "价格评分", "comment": "客户意见",
    "complaint_id": "投诉编号", "category": "类别", "received_at": "受理时间",
    "forwarded_to_qa_at": "转交质保时间", "action_issued_at": "纠正措施发出时间",
    "action_delivered_at": "纠正措施送达时间", "closed_at": "结案时间", "description": "说明",
    "note_id": "记录编号", "note_date": "记录日期", "competitor": "竞争对手", "topic": "话题",
    "their_price": "对手价格", "our_price": "我方价格", "bid_outcome": "投标结果", "note_text": "记录内容",
    "expense_id": "费用编号", "expense_date": "费用日期", "budget_amount": "预算金额",
    "registration_id": "登记编号", "company_name": "单位名称", "registered_by": "登记人编号",
    "registered_at": "登记时间", "channel": "渠道", "first_visit": "是否首次到访",
    "deal_id": "成交编号", "units": "套数", "close_date": "成交日期", "closer_id": "成交人编号",
    "status": "状态", "attribution_source": "归属来源",
    "activity_date": "日期", "orgs_developed": "拓展单位数", "batches_on_site": "上门批次",
    "leads_submitted": "提交号码数",
    "rule_id": "规则编号", "kind": "规则类型", "value": "数值", "effective_from": "生效日期",
    "effective_to": "失效日期", "measure": "考核项", "weekly_quota": "每周指标", "fine_per_missing": "每缺一个罚款",
    "component": "考核项目", "weight": "权重",
    "opportunity_id": "商机编号", "prospect_name": "潜在客户名称", "stage": "阶段", "created_on": "创建日期",
    "approved_on": "立项日期", "approved_by": "立项批准人编号", "expected_amount": "预计金额",
    "expected_close_on": "预计签约日期", "lost_reason": "输单原因", "next_step": "下一步", "next_step_on": "下一步日期",
    "entered_on": "进入日期", "action_id": "行动编号", "action_text": "行动内容", "due_on": "截止日期",
    "done_on": "完成日期", "contract_id": "合同编号", "agreed_at": "达成共识时间", "signed_at": "签订时间",
    "first_review_by": "初评人编号", "first_review_at": "初评时间", "first_review_outcome": "初评结果",
    "gm_review_by": "总经理评审人", "gm_review_at": "总经理评审时间", "gm_review_outcome": "总经理评审结果",
    "instalment_no": "期次", "probability_pct": "赢单概率（%）",
}
TABLE_HEADERS = {
    ("salespeople", "name"): "姓名", ("customers", "name"): "客户名称", ("products", "name"): "产品名称",
    ("deals", "amount"): "成交金额", ("invoices", "amount"): "发票金额", ("payments", "amount"): "收款金额",
    ("expenses", "amount"): "费用金额", ("contracts", "amount"): "合同金额", ("payment_plans", "amount"): "应回款金额",
    ("invoice_plans", "amount"): "应开票金额", ("payment_plans", "due_date"): "应回款日期",
    ("invoice_plans", "due_date"): "应开票日期", ("development_actions", "owner_id"): "执行人编号",
    ("invoice_plans", "invoice_id"): "已开发票号",
}
# What a column holds, where its name and type do not say it all.
NOTES = {
    "role": "head | key_account_manager | salesperson | assistant",
    "tier": "A | B | C (A: key accounts)",
    "owner_id": "the salesperson responsible for the customer now",
    "amount": "yuan; a return line is negative",
    "quantity": "negative on a return line",
    "month": "the first day of the month, e.g. 2026-03-01",
    "planned_month": "the first day of the month, e.g. 2026-03-01",
    "metric": "sales | gross_profit | collections | new_customers",
    "stretch_value": "at least the plan; empty or left out: the plan",
    "credit_limit": "yuan; empty: no credit limit",
    "due_date": "on or after the issue date",
    "plan_id": "the visit plan this visit carries out, if any",
    "record_filed_on": "when the visit record was filed (7-day rule)",
    "overall_score": "1–5; 4 and 5 count as satisfied",
    "first_visit": "true if the prospect came for the first time",
    "registered_at": "date and time, e.g. 2026-03-02 10:30:00",
    "attribution_source": "none | referral | lead",
    "value": "base_rate and referral_share as fractions (0.02 = 2 %), lead bonus in yuan per unit",
    "effective_to": "first day no longer in force; empty: open-ended",
    "weight": "the weights in force must add up to 100",
    "their_price": "yuan; empty when not observed",
    "stage": "lead | approved | proposal | negotiation | won | lost",
    "prospect_name": "the prospect's name while it is not a customer of the store (then customer_id empty)",
    "approved_on": "the day the opportunity was approved as a project (立项); empty before",
    "lost_reason": "price | product | relationship | timing | no_budget | other (a lost opportunity only)",
    "entered_on": "the day the opportunity entered the stage",
    "done_on": "empty while not done",
    "agreed_at": "date and time agreement was reached; the contract is due signed within 24 hours",
    "first_review_outcome": "approved | returned",
    "gm_review_outcome": "approved | returned (after an approved first review)",
    "gm_review_by": "the general manager's name",
    "probability_pct": "0–100: the share of an open opportunity's amount counted in the weighted pipeline",
}


# The same notes in Chinese (the Data page and the Chinese templates).
NOTES_ZH = {
    "role": "head（部门经理）| key_account_manager（大客户经理）| salesperson（业务员）| assistant（助理）",
    "tier": "A | B | C（A：重点客户）",
    "owner_id": "目前负责该客户的业务员",
    "amount": "元；退货行为负数",
    "quantity": "退货行为负数",
    "month": "当月第一天，如 2026-03-01",
    "planned_month": "当月第一天，如 2026-03-01",
    "metric": "sales（销售额）| gross_profit（毛利）| collections（回款）| new_customers（新客户）",
    "stretch_value": "不低于计划值；留空或不提供：等于计划值",
    "credit_limit": "元；留空表示不设信用额度",
    "due_date": "不早于开票日期",
    "plan_id": "本次拜访执行的回访计划（如有）",
    "record_filed_on": "提交拜访记录的日期（7天规则）",
    "overall_score": "1–5 分；4、5 分计为满意",
    "first_visit": "客户首次到访填 true",
    "registered_at": "日期和时间，如 2026-03-02 10:30:00",
    "attribution_source": "none（无）| referral（转介绍）| lead（线索）",
    "value": "基础提成比例和转介绍分成为小数（0.02 = 2%），线索奖励为每套金额（元）",
    "effective_to": "不再生效的第一天；留空表示长期有效",
    "weight": "同时生效的权重合计须为 100",
    "their_price": "元；未获知时留空",
    "stage": "lead（线索）| approved（立项）| proposal（方案/报价）| negotiation（谈判）| won（签约）| lost（输单）",
    "prospect_name": "尚未成为客户的潜在客户名称（此时客户编号留空）",
    "approved_on": "商机立项的日期；立项前留空",
    "lost_reason": "price（价格）| product（产品）| relationship（关系）| timing（时机）| no_budget（无预算）| "
                   "other（其他）（仅输单填写）",
    "entered_on": "商机进入该阶段的日期",
    "done_on": "未完成时留空",
    "agreed_at": "与客户达成共识的日期和时间；合同应在 24 小时内签订",
    "first_review_outcome": "approved（通过）| returned（退回）",
    "gm_review_outcome": "approved（通过）| returned（退回）（初评通过后）",
    "gm_review_by": "总经理姓名",
    "probability_pct": "0–100：未结商机金额计入加权商机的比例",
}


# Notes that hold for a column of one table only: (table, column) → (English, Chinese).
TABLE_NOTES = {
    ("invoices", "amount"): ("yuan, more than 0", "元，大于 0"),
    ("payments", "amount"): ("yuan, more than 0", "元，大于 0"),
    ("deals", "amount"): ("yuan, 0 or more", "元，不小于 0"),
    ("expenses", "amount"): ("yuan, 0 or more", "元，不小于 0"),
    ("sales", "cost"): ("yuan; negative on a return line; empty when not known (the line counts in sales, not in "
                        "gross profit)", "元；退货行为负数；未知时留空（该行只计入销售额，不计入毛利）"),
    ("sales", "salesperson_id"): ("empty for a web or house order: it counts in its region and the department "
                                  "as Unassigned", "网单或公司直接成交的订单留空：计入所属区域和部门，显示为“未分配”"),
}


def note(table: str, column: str, lang: str = "en") -> str:
    """A column's note for the template, in English or Chinese."""
    if (table, column) in TABLE_NOTES:
        return TABLE_NOTES[table, column][lang == "zh"]
    return (NOTES_ZH if lang == "zh" else NOTES).get(column, "")


# One sample row per table, in the order tables are loaded: what a template shows when its table
# is still empty. Each row keeps every rule of its table and names the rows before it, so the
# templates as shipped import one after another into an empty store.
SAMPLES = {
    "regions": {"region_id": "R01", "name_zh": "桂城", "name_en": "Guicheng"},
    "salespeople": {"salesperson_id": "S001", "name": "张三", "role": "salesperson", "region_id": "R01",
                    "phone": "13800000001", "hired_on": "2025-03-01"},
    "customers": {"customer_id": "C0001", "name": "佛山市南海区示例机械有限公司", "tier": "A", "industry": "制造业",
                  "region_id": "R01", "owner_id": "S001", "phone": "075700000001", "address": "桂城街道示例路1号",
                  "credit_limit": "500000", "registered_on": "2025-04-01"},
    "products": {"product_id": "P001", "name": "示例设备", "product_line": "工业设备", "list_price": "12000"},
    "sales": {"line_id": "1", "order_id": "1001", "order_date": "2026-03-02", "customer_id": "C0001",
              "product_id": "P001", "quantity": "2", "amount": "24000.00", "cost": "15000.00",
              "salesperson_id": "S001", "region_id": "R01"},
    "targets": {"salesperson_id": "S001", "month": "2026-03-01", "metric": "sales", "plan_value": "300000",
                "stretch_value": "360000"},
    "invoices": {"invoice_id": "INV0001", "customer_id": "C0001", "order_id": "1001", "issue_date": "2026-03-02",
                 "due_date": "2026-04-01", "amount": "24000.00", "salesperson_id": "S001", "region_id": "R01"},
    "payments": {"payment_id": "PAY0001", "invoice_id": "INV0001", "customer_id": "C0001", "paid_on": "2026-03-20",
                 "amount": "24000.00", "salesperson_id": "S001", "region_id": "R01"},
    "visit_plans": {"plan_id": "VP0001", "customer_id": "C0001", "salesperson_id": "S001",
                    "planned_month": "2026-03-01"},
    "visits": {"visit_id": "V0001", "customer_id": "C0001", "salesperson_id": "S001", "region_id": "R01",
               "visit_date": "2026-03-05", "purpose": "revisit", "outcome": "order_intent", "plan_id": "VP0001",
               "record_filed_on": "2026-03-06"},
    "surveys": {"survey_id": "SV0001", "customer_id": "C0001", "salesperson_id": "S001", "region_id": "R01",
                "survey_date": "2026-03-10", "overall_score": "4", "quality_score": "4", "service_score": "5",
                "delivery_score": "4", "price_score": "3", "comment": "交货及时"},
    "complaints": {"complaint_id": "CP0001", "customer_id": "C0001", "salesperson_id": "S001", "region_id": "R01",
                   "category": "delivery", "received_at": "2026-03-11 09:30:00",
                   "forwarded_to_qa_at": "2026-03-11 15:00:00", "action_issued_at": "2026-03-12 10:00:00",
                   "action_delivered_at": "2026-03-12 16:00:00", "closed_at": "2026-03-13 10:00:00",
                   "description": "到货晚了两天"},
    "competitor_notes": {"note_id": "N0001", "note_date": "2026-03-12", "salesperson_id": "S001",
                         "customer_id": "C0001", "region_id": "R01", "competitor": "竞品甲", "topic": "price",
                         "product_line": "工业设备", "their_price": "11000", "our_price": "12000",
                         "note_text": "对方报价低约8%"},
    "expenses": {"expense_id": "E0001", "expense_date": "2026-03-05", "salesperson_id": "S001", "region_id": "R01",
                 "customer_id": "C0001", "category": "travel", "amount": "320.00", "description": "拜访客户交通费"},
    "expense_budgets": {"salesperson_id": "S001", "region_id": "R01", "month": "2026-03-01", "category": "travel",
                        "budget_amount": "3000"},
    "customer_budgets": {"customer_id": "C0001", "month": "2026-03-01", "salesperson_id": "S001",
                         "budget_amount": "1500"},
    "registrations": {"registration_id": "RG0001", "customer_id": "C0001",
                      "company_name": "佛山市南海区示例机械有限公司", "phone": "075700000001", "registered_by": "S001",
                      "registered_at": "2026-02-20 10:00:00", "channel": "referral", "first_visit": "true"},
    "deals": {"deal_id": "D0001", "customer_id": "C0001", "product_line": "工业设备", "units": "2",
              "amount": "24000.00", "close_date": "2026-03-02", "closer_id": "S001", "status": "closed",
              "attribution_source": "referral"},
    "activities": {"salesperson_id": "S001", "activity_date": "2026-03-02", "orgs_developed": "1",
                   "batches_on_site": "4", "leads_submitted": "20"},
    "commission_rules": {"rule_id": "CR01", "kind": "base_rate", "product_line": "工业设备", "value": "0.03",
                         "effective_from": "2026-01-01"},
    "activity_quotas": {"rule_id": "AQ01", "measure": "orgs_developed", "weekly_quota": "3",
                        "fine_per_missing": "100", "effective_from": "2026-01-01"},
    "scorecard_weights": {"component": "sales_attainment", "weight": "100", "effective_from": "2026-01-01"},
    "opportunities": {"opportunity_id": "OP0001", "customer_id": "C0001", "owner_id": "S001", "region_id": "R01",
                      "stage": "won", "created_on": "2026-01-05", "approved_on": "2026-01-12", "approved_by": "S001",
                      "expected_amount": "24000.00", "expected_close_on": "2026-03-02", "competitor": "竞品甲",
                      "next_step": "签订合同", "next_step_on": "2026-03-02"},
    "opportunity_stages": {"opportunity_id": "OP0001", "entered_on": "2026-01-05", "stage": "lead"},
    "development_actions": {"action_id": "DA0001", "opportunity_id": "OP0001", "action_text": "技术方案交流",
                            "owner_id": "S001", "due_on": "2026-01-20", "done_on": "2026-01-19"},
    "contracts": {"contract_id": "CT0001", "opportunity_id": "OP0001", "customer_id": "C0001",
                  "salesperson_id": "S001", "region_id": "R01", "amount": "24000.00",
                  "agreed_at": "2026-03-01 16:00:00", "signed_at": "2026-03-02 10:00:00", "first_review_by": "S001",
                  "first_review_at": "2026-03-02 15:00:00", "first_review_outcome": "approved",
                  "gm_review_by": "总经理", "gm_review_at": "2026-03-03 11:00:00", "gm_review_outcome": "approved"},
    "payment_plans": {"contract_id": "CT0001", "instalment_no": "1", "due_date": "2026-04-01", "amount": "24000.00"},
    "invoice_plans": {"contract_id": "CT0001", "instalment_no": "1", "due_date": "2026-03-02", "amount": "24000.00",
                      "invoice_id": "INV0001"},
    "stage_probabilities": {"stage": "negotiation", "probability_pct": "70", "effective_from": "2026-01-01"},
}


def header_zh(table: str, column: str) -> str:
    return TABLE_HEADERS.get((table, column), HEADERS.get(column, column))
