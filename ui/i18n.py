"""Every word the dashboard shows, in English and 简体中文, in one table.

`text(key, lang, **values)` looks a key up; a key missing from either language is a test
failure (tests/test_ui.py), so nothing reaches the screen untranslated. Column headers of
query results are keys too (`col.<column>`), and so are codes stored in the data (`code.*`).
"""

from __future__ import annotations

LANGS = ("en", "zh")
DEFAULT_LANG = "en"

TEXT: dict[str, dict[str, str]] = {
    # the product and navigation
    "app.title": {"en": "Key-Account Cockpit", "zh": "大客户驾驶舱"},
    "nav.section.overview": {"en": "Dashboard", "zh": "驾驶舱"},
    "nav.section.data": {"en": "Data", "zh": "数据"},
    "page.overview": {"en": "Overview", "zh": "总览"},
    "page.data": {"en": "Data quality", "zh": "数据质量"},
    # sidebar
    "sidebar.language": {"en": "Language / 语言", "zh": "语言 / Language"},
    "sidebar.filters": {"en": "Filters", "zh": "筛选"},
    "filter.period": {"en": "Period", "zh": "期间"},
    "filter.start": {"en": "From", "zh": "开始日期"},
    "filter.end": {"en": "To", "zh": "结束日期"},
    "filter.regions": {"en": "Region", "zh": "区域"},
    "filter.salespeople": {"en": "Salesperson", "zh": "业务员"},
    "filter.tiers": {"en": "Customer tier", "zh": "客户等级"},
    "filter.industries": {"en": "Industry", "zh": "行业"},
    "filter.product_lines": {"en": "Product line", "zh": "产品线"},
    "filter.all": {"en": "All", "zh": "全部"},
    "preset.this_month": {"en": "This month", "zh": "本月"},
    "preset.this_quarter": {"en": "This quarter", "zh": "本季度"},
    "preset.ytd": {"en": "Year to date", "zh": "年初至今"},
    "preset.last_12_months": {"en": "Last 12 months", "zh": "近12个月"},
    "preset.custom": {"en": "Custom range", "zh": "自定义"},
    "filter.as_of": {"en": "Data as of {date}", "zh": "数据截至 {date}"},
    "notice.dropped": {"en": "Ignored from the link: {items}", "zh": "链接中以下内容无效，已忽略：{items}"},
    "notice.bad_value": {"en": "{filter} “{value}” (unknown)", "zh": "{filter}“{value}”（不存在）"},
    "notice.bad_date": {"en": "{filter} “{value}” (not a date)", "zh": "{filter}“{value}”（不是日期）"},
    "notice.bad_preset": {"en": "period “{value}” (unknown)", "zh": "期间“{value}”（不存在）"},
    "notice.reversed": {"en": "a period that ends before it starts", "zh": "结束日期早于开始日期的期间"},
    "notice.no_target": {"en": "No target at this filter: tier, industry and product line carry no target.",
                         "zh": "此筛选条件无目标：客户等级、行业、产品线没有目标值。"},
    "notice.ignores": {"en": "Not filtered by: {filters}", "zh": "未按以下条件筛选：{filters}"},
    # states
    "empty.title": {"en": "No data for {what}", "zh": "{what}没有数据"},
    "empty.hint": {"en": "Widen the period or clear a filter.", "zh": "请扩大期间或清除部分筛选条件。"},
    "store.missing": {"en": "No store yet: {message}", "zh": "尚无数据库：{message}"},
    "footer.freshness": {"en": "Last import per table", "zh": "各数据表最近导入时间"},
    "thin": {"en": "n = {n}: too few to rely on", "zh": "样本 {n} 个，过少，仅供参考"},
    "download": {"en": "Download CSV", "zh": "下载 CSV"},
    # KPI tiles
    "kpi.sales": {"en": "Sales", "zh": "销售额"},
    "kpi.gross_profit": {"en": "Gross profit", "zh": "毛利"},
    "kpi.collections": {"en": "Collections", "zh": "回款"},
    "kpi.overdue_ratio": {"en": "Overdue ratio", "zh": "应收占压率"},
    "kpi.revisit_completion": {"en": "Revisit-plan completion", "zh": "回访计划完成率"},
    "kpi.csat": {"en": "CSAT", "zh": "客户满意度"},
    "kpi.complaint_timeliness": {"en": "Complaints within SLA", "zh": "投诉处理及时率"},
    "kpi.target": {"en": "Target {value}", "zh": "目标 {value}"},
    "kpi.no_target": {"en": "No target", "zh": "无目标"},
    "kpi.vs_target": {"en": "{value} of target", "zh": "完成目标 {value}"},
    "kpi.yoy": {"en": "vs last year {value}", "zh": "同比 {value}"},
    "kpi.yoy_none": {"en": "no figure a year earlier", "zh": "去年同期无数据"},
    "kpi.responses": {"en": "{n} responses", "zh": "{n} 份问卷"},
    "kpi.judged": {"en": "{n} complaints judged, {pending} pending", "zh": "已判定 {n} 件，待定 {pending} 件"},
    "kpi.planned": {"en": "{n} revisits due", "zh": "应回访 {n} 次"},
    "kpi.outstanding": {"en": "Outstanding {value}", "zh": "应收余额 {value}"},
    "help.sales": {"en": "Sales lines in the period, returns deducted, against the monthly plan "
                         "(a partial month pro-rated by days). Delta: vs the same dates a year earlier.",
                   "zh": "期间内销售额（扣除退货），对比月度计划（不足整月按天折算）。增减：对比去年同期。"},
    "help.gross_profit": {"en": "Sales minus cost in the period, against the gross-profit plan.",
                          "zh": "期间内销售额减成本，对比毛利计划。"},
    "help.collections": {"en": "Payments received in the period, against the collections plan.",
                         "zh": "期间内收到的回款，对比回款计划。"},
    "help.overdue_ratio": {"en": "Outstanding past due ÷ total outstanding on the period's last day "
                                 "(or today). Delta: vs the same day a year earlier; lower is better.",
                           "zh": "期末（或今日）逾期应收 ÷ 全部应收余额。增减：对比去年同日，越低越好。"},
    "help.revisit_completion": {"en": "Planned revisits done within their planned month ÷ planned revisits "
                                      "whose month has ended.",
                                "zh": "在计划月份内完成的回访 ÷ 已到期的计划回访。"},
    "help.csat": {"en": "Share of survey responses scoring 4 or 5 of 5. Fewer than 5 responses is flagged.",
                  "zh": "问卷总体评分为4分或5分的比例。不足5份时标注提示。"},
    "help.complaint_timeliness": {"en": "Complaints forwarded to QA within 24 h and whose corrective action "
                                        "reached the customer within 24 h of issue ÷ complaints judged. "
                                        "A clock that ran out counts as a breach even while open.",
                                  "zh": "24小时内转交质保部、且纠正措施发出后24小时内送达客户的投诉 ÷ "
                                        "已判定投诉。超时未处理即使仍未结案也计为超时。"},
    # overview sections
    "overview.pacing": {"en": "Sales pacing: cumulative actual vs target", "zh": "销售进度：累计实际 vs 累计目标"},
    "overview.pacing.actual": {"en": "Actual (cumulative)", "zh": "累计实际"},
    "overview.pacing.target": {"en": "Target (cumulative)", "zh": "累计目标"},
    "overview.pacing.today": {"en": "Today: {pct} of expected", "zh": "今日进度：预期的 {pct}"},
    "overview.pacing.no_target": {"en": "No target at this filter; actual only.",
                                  "zh": "此筛选条件无目标，仅显示实际。"},
    "overview.alerts": {"en": "Abnormal customers", "zh": "异常客户预警"},
    "overview.alerts.count": {"en": "{n} customers flagged, most serious first — {reasons}",
                              "zh": "共 {n} 个客户预警，按严重程度排序 — {reasons}"},
    "overview.alerts.none": {"en": "No abnormal customer as of {date}.", "zh": "截至 {date} 无异常客户。"},
    "axis.date": {"en": "Date", "zh": "日期"},
    "axis.amount": {"en": "Amount (¥)", "zh": "金额（元）"},
    # data page
    "data.completeness": {"en": "Customer archive completeness", "zh": "客户档案完整率"},
    "data.tables": {"en": "Tables", "zh": "数据表"},
    "help.completeness": {"en": "Customers with every required field (name, tier, industry, region, owner, "
                                "phone, address) ÷ customers.",
                          "zh": "必填字段（名称、等级、行业、区域、负责人、电话、地址）齐全的客户 ÷ 客户总数。"},
    # reasons and codes stored in the data
    "code.sales_drop": {"en": "Sales down >50% vs a year ago", "zh": "近90天销售同比下降超50%"},
    "code.overdue_90": {"en": "Over 90 days overdue", "zh": "逾期超过90天"},
    "code.complaints_30": {"en": "2+ complaints in 30 days", "zh": "30天内投诉2次以上"},
    "code.low_survey": {"en": "Latest survey ≤ 2", "zh": "最近一次满意度≤2分"},
    "code.over_credit": {"en": "Over credit limit", "zh": "超出信用额度"},
    "code.department": {"en": "Department", "zh": "全部门"},
    # column headers
    "col.customer_id": {"en": "Customer ID", "zh": "客户编号"},
    "col.customer_name": {"en": "Customer", "zh": "客户名称"},
    "col.tier": {"en": "Tier", "zh": "等级"},
    "col.region_id": {"en": "Region", "zh": "区域"},
    "col.owner_id": {"en": "Owner ID", "zh": "负责人编号"},
    "col.owner_name": {"en": "Owner", "zh": "负责人"},
    "col.reasons": {"en": "Reasons", "zh": "预警原因"},
    "col.sales_last_90_days_cny": {"en": "Sales, last 90 days (¥)", "zh": "近90天销售额（元）"},
    "col.sales_prior_year_90_days_cny": {"en": "Same 90 days last year (¥)", "zh": "去年同期90天（元）"},
    "col.overdue_90_cny": {"en": "Over 90 days overdue (¥)", "zh": "逾期90天以上（元）"},
    "col.complaints_30_days_count": {"en": "Complaints, 30 days", "zh": "30天投诉数"},
    "col.latest_overall_score": {"en": "Latest survey score", "zh": "最近满意度评分"},
    "col.outstanding_cny": {"en": "Outstanding (¥)", "zh": "应收余额（元）"},
    "col.credit_limit_cny": {"en": "Credit limit (¥)", "zh": "信用额度（元）"},
    "col.day": {"en": "Date", "zh": "日期"},
    "col.actual_value": {"en": "Actual", "zh": "实际"},
    "col.cumulative_actual": {"en": "Cumulative actual", "zh": "累计实际"},
    "col.target_value": {"en": "Target", "zh": "目标"},
    "col.cumulative_target": {"en": "Cumulative target", "zh": "累计目标"},
    "col.pacing_pct": {"en": "Pacing (%)", "zh": "进度（%）"},
    "col.is_today": {"en": "Today", "zh": "今日"},
    "col.table_name": {"en": "Table", "zh": "数据表"},
    "col.rows_count": {"en": "Rows", "zh": "行数"},
    "col.last_import": {"en": "Last import", "zh": "最近导入"},
    "col.field": {"en": "Required field", "zh": "必填字段"},
    "col.missing_count": {"en": "Customers missing it", "zh": "缺失客户数"},
    "field.name": {"en": "Name", "zh": "名称"},
    "field.tier": {"en": "Tier", "zh": "等级"},
    "field.industry": {"en": "Industry", "zh": "行业"},
    "field.region": {"en": "Region", "zh": "区域"},
    "field.owner": {"en": "Owner", "zh": "负责人"},
    "field.phone": {"en": "Phone", "zh": "联系电话"},
    "field.address": {"en": "Address", "zh": "地址"},
}


def text(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled in."""
    entry = TEXT[key]
    return entry[lang].format(**values) if values else entry[lang]
