"""A seeded generator of realistic 自评表/申报表 text files with planted inconsistencies and their ground truth."""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

# Bump when the output for a given (projects, seed, rate) changes, so cached corpora are rebuilt.
GENERATOR_VERSION = 1

TRUTH_FILE = "truth.jsonl"
PROJECTS_FILE = "projects.jsonl"
MANIFEST_FILE = "manifest.json"
DOCS_DIR = "docs"

# The rules planted, by the level they are keyed on. Project-level rules carry indicator None.
# Some plants carry a second finding by nature: deviation-unexplained comes with a target-not-met planted
# without a note, score-out-of-band with a score above the weight of a 达成指标 row; markup-residue with
# every declaration of a document whose goal cells keep their <p> tags.
INDICATOR_RULES_SELF = (
    "target-not-met",
    "deviation-unexplained",
    "score-exceeds-weight",
    "score-out-of-band",
    "note-contradicts-value",
)
INDICATOR_RULES_DECL = ("vague-target",)
PROJECT_RULES_SELF = ("total-mismatch", "execution-rate-mismatch")
PROJECT_RULES_DECL = ("funding-mismatch", "markup-residue")
# Units a note's 实际完成 N 份 can be read in (the count families of the forms).
NOTE_UNITS = ("份", "次", "家", "人次", "台", "项", "个")
PLANTED_RULES = INDICATOR_RULES_SELF + INDICATOR_RULES_DECL + PROJECT_RULES_SELF + PROJECT_RULES_DECL
PROJECT_LEVEL_RULES = PROJECT_RULES_SELF + PROJECT_RULES_DECL

SELF_EVALUATION_SHARE = 0.7  # of documents

# ---------------------------------------------------------------------------------------------
# Vocabulary (Chinese in data, in one place). Drawn from the bundled samples and the standard
# templates of the 项目支出绩效 forms; a domain is a bureau with the work items of its projects.

REGIONS = (
    "上海市",
    "浦东新区",
    "黄浦区",
    "静安区",
    "徐汇区",
    "长宁区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
    "杭州市",
    "宁波市",
    "温州市",
    "嘉兴市",
    "湖州市",
    "绍兴市",
    "金华市",
    "衢州市",
    "舟山市",
    "台州市",
    "丽水市",
    "苏州市",
    "无锡市",
    "常州市",
    "南通市",
    "合肥市",
    "芜湖市",
)

DOMAINS: tuple[dict[str, Any], ...] = (
    {
        "bureau": "生态环境局",
        "units": ("执法总队", "监测中心", "宣传教育中心", "固体废物管理中心", "辐射环境监督站", "信息中心"),
        "items": (
            "大气污染防治",
            "水生态环境综合管理",
            "土壤污染防治",
            "固体废物管理",
            "生态环境监测",
            "排污许可证管理",
            "环境影响评价",
            "生态保护红线监管",
            "生物多样性保护",
            "核与辐射安全管理",
            "碳排放权交易管理",
            "噪声污染防治",
            "生态环境执法",
            "环保宣传教育",
            "应对气候变化",
            "海洋生态环境保护",
            "饮用水水源地保护",
            "环境应急管理",
            "污染源动态更新",
            "农村生活污水治理",
            "环保热线运行",
            "无废城市建设",
        ),
        "vision": (
            "持续改善生态环境质量",
            "深入打好污染防治攻坚战",
            "推动减污降碳协同增效",
            "提升生态环境治理能力",
        ),
    },
    {
        "bureau": "教育局",
        "units": ("教育技术装备中心", "教师进修学院", "学生资助管理中心", "教育考试院", "教育信息中心"),
        "items": (
            "中小学校舍维修",
            "学前教育发展",
            "义务教育均衡发展",
            "教师培训",
            "学生资助",
            "校园安全管理",
            "职业教育实训基地建设",
            "教育信息化建设",
            "课后服务",
            "学生体质健康监测",
            "特殊教育",
            "图书装备配备",
        ),
        "vision": ("促进教育公平", "提高教育教学质量", "办好人民满意的教育", "改善办学条件"),
    },
    {
        "bureau": "卫生健康委员会",
        "units": ("疾病预防控制中心", "卫生健康监督所", "急救中心", "妇幼保健院", "卫生健康信息中心"),
        "items": (
            "基本公共卫生服务",
            "家庭医生签约服务",
            "疾病预防控制",
            "妇幼保健",
            "基层医疗机构能力建设",
            "卫生应急",
            "健康教育促进",
            "老年健康服务",
            "精神卫生服务",
            "院前急救",
            "慢性病综合防控",
        ),
        "vision": ("提升居民健康水平", "完善公共卫生服务体系", "保障人民群众生命安全和身体健康"),
    },
    {
        "bureau": "交通委员会",
        "units": ("公路管理处", "交通执法总队", "运输管理处", "交通信息中心", "航务管理处"),
        "items": (
            "公路养护",
            "公交线路优化",
            "交通安全设施改造",
            "桥梁检测",
            "停车设施建设",
            "交通行政执法",
            "航道维护",
            "慢行交通系统建设",
            "智能交通系统运维",
            "农村公路提档升级",
        ),
        "vision": ("保障道路安全畅通", "提升公共交通服务水平", "建设人民满意交通"),
    },
    {
        "bureau": "农业农村委员会",
        "units": ("农业技术推广中心", "动物疫病预防控制中心", "农产品质量安全中心", "农业执法大队"),
        "items": (
            "高标准农田建设",
            "农产品质量安全监管",
            "动物疫病防控",
            "农村人居环境整治",
            "农业技术推广",
            "种业发展",
            "农机购置补贴",
            "耕地地力保护",
            "乡村振兴示范村建设",
            "农田水利设施维护",
        ),
        "vision": ("全面推进乡村振兴", "保障重要农产品稳定安全供给", "促进农民持续增收"),
    },
    {
        "bureau": "水务局",
        "units": ("河道管理所", "供水管理所", "水文站", "防汛物资储备中心", "排水管理处"),
        "items": (
            "河道整治",
            "防汛设施维护",
            "供水管网改造",
            "排水管网养护",
            "水资源监测",
            "河长制工作",
            "海塘维修",
            "水土保持",
            "城市防汛排涝能力建设",
        ),
        "vision": ("保障城市防汛安全", "提升供水安全保障能力", "改善河湖水环境"),
    },
    {
        "bureau": "文化和旅游局",
        "units": ("图书馆", "文化馆", "博物馆", "文物保护研究中心", "文化市场行政执法总队"),
        "items": (
            "公共文化服务",
            "非物质文化遗产保护",
            "文物保护修缮",
            "图书馆运行保障",
            "群众文化活动",
            "旅游市场监管",
            "博物馆免费开放",
            "公共文化设施运维",
        ),
        "vision": ("丰富群众精神文化生活", "推动文化和旅游融合发展", "保护传承优秀传统文化"),
    },
    {
        "bureau": "民政局",
        "units": ("社会福利中心", "救助管理站", "婚姻登记中心", "殡葬管理所", "社区服务中心"),
        "items": (
            "养老服务补贴",
            "社区养老服务设施建设",
            "困难群众救助",
            "社会组织培育",
            "殡葬服务管理",
            "婚姻登记服务",
            "儿童福利保障",
            "长者照护之家运营",
        ),
        "vision": ("兜牢民生底线", "提升基本民生保障水平", "完善养老服务体系"),
    },
    {
        "bureau": "科学技术委员会",
        "units": ("科技创业中心", "科学技术情报研究所", "科技人才发展中心", "技术市场管理办公室"),
        "items": ("科技创新券", "科研项目管理", "科普活动", "技术转移服务", "重点实验室建设", "科技企业孵化"),
        "vision": ("提升科技创新策源能力", "促进科技成果转化", "营造良好创新生态"),
    },
    {
        "bureau": "应急管理局",
        "units": ("应急救援指挥中心", "安全生产执法大队", "应急物资储备中心"),
        "items": (
            "安全生产监管",
            "应急救援队伍建设",
            "防灾减灾宣传",
            "危险化学品监管",
            "应急物资储备",
            "森林防火",
        ),
        "vision": ("防范化解重大安全风险", "提升防灾减灾救灾能力", "保障人民群众生命财产安全"),
    },
    {
        "bureau": "市场监督管理局",
        "units": ("质量技术监督检验所", "计量测试所", "食品药品检验所", "消费者权益保护中心"),
        "items": (
            "食品安全抽检",
            "特种设备安全监察",
            "计量检定",
            "知识产权保护",
            "消费者权益保护",
            "广告监测",
            "电梯安全监管",
        ),
        "vision": ("守住食品安全底线", "维护公平竞争市场秩序", "保障消费安全"),
    },
    {
        "bureau": "人力资源和社会保障局",
        "units": ("就业促进中心", "职业技能鉴定中心", "劳动保障监察大队", "人才服务中心"),
        "items": (
            "职业技能培训",
            "就业援助",
            "劳动保障监察",
            "创业担保贷款贴息",
            "人才引进服务",
            "社会保险经办",
        ),
        "vision": ("实现更加充分更高质量就业", "构建和谐劳动关系", "健全社会保障体系"),
    },
)

NAME_SUFFIXES = (
    "经费",
    "专项经费",
    "项目",
    "工作经费",
    "专项",
    "运行维护",
    "能力建设",
    "保障经费",
    "补助资金",
    "建设项目",
    "工作",
    "相关配套工作",
)
NAME_QUALIFIERS = ("（二期）", "（续建）", "（一期）", "（三年行动计划）", "（市级配套）")

# An aspect of a project's work: the goal clause, the outcome clause and the indicator that measures it.
# kind: count (a number with a count unit), percent, qualitative (words), date, cost_le (lower is better).
ASPECTS: tuple[dict[str, Any], ...] = (
    {
        "goal": "开展{item}调查评估，形成评估报告",
        "done": "完成{item}调查评估，形成评估报告{n}份",
        "done0": "完成{item}调查评估并形成评估报告",
        "level2": "数量指标",
        "names": ("{item}评估报告数量", "评估报告完成数", "调查评估报告数量"),
        "kind": "count",
        "unit": "份",
        "range": (1, 12),
    },
    {
        "goal": "组织{item}业务培训，提高从业人员业务能力",
        "done": "组织{item}业务培训{n}次，从业人员业务能力得到提高",
        "done0": "组织开展{item}业务培训，从业人员业务能力得到提高",
        "level2": "数量指标",
        "names": ("{item}培训次数", "业务培训次数", "培训场次"),
        "kind": "count",
        "unit": "次",
        "range": (2, 20),
    },
    {
        "goal": "加强{item}监督检查",
        "done": "开展{item}监督检查{n}次",
        "done0": "按计划开展{item}监督检查",
        "level2": "数量指标",
        "names": ("{item}监督检查次数", "现场检查次数", "专项检查次数"),
        "kind": "count",
        "unit": "次",
        "range": (4, 60),
    },
    {
        "goal": "扩大{item}覆盖范围",
        "done": "{item}覆盖范围扩大至{n}家单位",
        "done0": "{item}覆盖范围进一步扩大",
        "level2": "数量指标",
        "names": ("{item}覆盖单位数", "覆盖单位数量", "服务单位数"),
        "kind": "count",
        "unit": "家",
        "range": (10, 500),
    },
    {
        "goal": "为群众提供{item}服务",
        "done": "为群众提供{item}服务{n}人次",
        "done0": "按计划为群众提供{item}服务",
        "level2": "数量指标",
        "names": ("{item}服务人次", "服务对象人次", "受益人次"),
        "kind": "count",
        "unit": "人次",
        "range": (200, 50000),
    },
    {
        "goal": "购置{item}所需专用设备",
        "done": "完成{item}专用设备购置{n}台",
        "done0": "完成{item}所需专用设备购置",
        "level2": "数量指标",
        "names": ("{item}专用设备购置数量", "购置设备数量", "设备购置台数"),
        "kind": "count",
        "unit": "台",
        "range": (2, 40),
    },
    {
        "goal": "完成{item}年度重点任务",
        "done": "完成{item}年度重点任务{n}项",
        "done0": "{item}年度重点任务全部完成",
        "level2": "数量指标",
        "names": ("{item}重点任务完成数", "年度任务完成数量", "完成任务项数"),
        "kind": "count",
        "unit": "项",
        "range": (3, 30),
    },
    {
        "goal": "编制{item}工作方案和技术规范",
        "done": "编制完成{item}工作方案和技术规范{n}个",
        "done0": "编制完成{item}工作方案和技术规范",
        "level2": "数量指标",
        "names": ("{item}方案规范编制数", "编制规范数量"),
        "kind": "count",
        "unit": "个",
        "range": (1, 8),
    },
    {
        "goal": "确保{item}成果通过验收",
        "done": "{item}成果全部通过验收",
        "level2": "质量指标",
        "names": ("{item}成果验收合格率", "项目验收合格率", "成果验收通过率"),
        "kind": "percent",
        "range": (90, 100),
    },
    {
        "goal": "保证{item}数据真实准确",
        "done": "{item}数据经核查真实准确",
        "level2": "质量指标",
        "names": ("{item}数据准确率", "数据准确率", "报送数据准确率"),
        "kind": "percent",
        "range": (90, 100),
    },
    {
        "goal": "保障{item}相关设施设备正常运行",
        "done": "{item}相关设施设备运行正常",
        "level2": "质量指标",
        "names": ("{item}设施设备正常运行率", "设施设备完好率", "设备正常运行率"),
        "kind": "percent",
        "range": (90, 99),
    },
    {
        "goal": "落实{item}各项制度要求",
        "done": "{item}各项制度要求得到落实",
        "level2": "质量指标",
        "names": ("{item}工作落实情况", "工作落实情况", "制度执行情况"),
        "kind": "qualitative",
        "targets": ("落实国家和本市相关任务要求", "符合相关规范要求", "按规定程序执行"),
        "actuals": ("达成指标", "已落实", "达成指标"),
    },
    {
        "goal": "按期完成{item}各项任务",
        "done": "{item}各项任务按期完成",
        "level2": "时效指标",
        "names": ("{item}任务完成及时率", "项目完成及时率", "工作完成及时率"),
        "kind": "percent",
        "range": (90, 100),
    },
    {
        "goal": "在年度内完成{item}",
        "done": "{item}于年底前全部完成",
        "level2": "时效指标",
        "names": ("{item}完成时间", "项目完成时间", "工作完成时限"),
        "kind": "date",
    },
    {
        "goal": "严格控制{item}成本",
        "done": "{item}成本严格控制在预算范围内",
        "level2": "成本指标",
        "names": ("{item}成本控制", "项目成本控制", "预算成本控制"),
        "kind": "qualitative",
        "targets": ("控制在预算范围内", "不超过批复预算", "按合同约定执行"),
        "actuals": ("达成指标",),
    },
    {
        "goal": "降低{item}单位运行成本",
        "done": "{item}单位运行成本降低",
        "level2": "成本指标",
        "names": ("{item}单位服务成本", "单位服务成本", "人均服务成本"),
        "kind": "cost_le",
        "unit": "元",
        "range": (50, 2000),
    },
    {
        "goal": "提高社会公众对{item}的知晓率",
        "done": "社会公众对{item}的知晓率明显提高",
        "level2": "社会效益指标",
        "names": ("{item}公众知晓率", "群众知晓率", "政策知晓率"),
        "kind": "percent",
        "range": (75, 95),
    },
    {
        "goal": "推动{item}工作提质增效",
        "done": "{item}工作实现提质增效",
        "level2": "社会效益指标",
        "names": ("{item}工作成效", "社会效益发挥情况"),
        "kind": "qualitative",
        "targets": ("形成年度工作总结报告", "按计划发挥社会效益", "完成年度考核目标"),
        "actuals": ("达成指标",),
    },
    {
        "goal": "降低{item}相关风险事件发生率",
        "done": "{item}相关风险事件发生率得到控制",
        "level2": "社会效益指标",
        "names": ("{item}风险事件发生率", "安全事故发生率", "投诉发生率"),
        "kind": "percent_le",
        "range": (1, 5),
    },
    {
        "goal": "改善区域生态环境质量",
        "done": "区域生态环境质量得到改善",
        "level2": "生态效益指标",
        "names": ("{item}区域环境质量达标率", "环境质量达标率", "水质达标率"),
        "kind": "percent",
        "range": (70, 95),
    },
    {
        "goal": "带动相关产业发展",
        "done": "带动相关产业发展",
        "level2": "经济效益指标",
        "names": ("{item}带动产业产值", "带动产值增长"),
        "kind": "count",
        "unit": "万元",
        "range": (100, 5000),
    },
    {
        "goal": "建立{item}长效管理机制",
        "done": "{item}长效管理机制基本建立",
        "level2": "可持续影响指标",
        "names": ("{item}长效管理机制", "长效管理机制建设", "管理制度完善情况"),
        "kind": "qualitative",
        "targets": ("建立并正常运行", "形成长效管理制度", "制度持续运行"),
        "actuals": ("达成指标",),
    },
    {
        "goal": "提高服务对象满意度",
        "done": "服务对象满意度得到提高",
        "level2": "服务对象满意度指标",
        "names": ("{item}服务对象满意度", "服务对象满意度", "群众满意度", "成果使用方满意度"),
        "kind": "percent",
        "range": (80, 95),
    },
)

LEVEL1_OF = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "社会效益指标": "效益指标",
    "经济效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
}
LEVEL_ORDER = tuple(LEVEL1_OF)

SHORTFALL_CAUSES = (
    "受政府采购流程延长影响",
    "因上级部门政策调整",
    "受汛期天气影响",
    "因合同签订时间延后",
    "受项目审批进度影响",
    "因部分单位配合不到位",
    "受人员调整影响",
    "因实施方案论证时间较长",
)
SHORTFALL_FIXES = (
    "已纳入下年度工作计划加快推进",
    "后续将加强项目进度管理",
    "将优化采购计划，争取上半年启动",
    "已督促实施单位限期整改",
    "下一步将加强统筹协调",
    "将进一步完善绩效目标设置",
)
VAGUE_TARGETS = ("有一定促进作用", "有所提升", "进一步提高", "逐步改善", "明显提升", "有效促进", "持续加强")
DATE_TARGETS_SELF = ("{year}年12月31日前完成", "当年内完成", "{year}年底前完成")
DATE_TARGETS_DECL = ("{year}年12月31日前完成", "按月发放", "按季度完成", "{year}年11月底前完成")
NATURES = ("其他一次性项目", "经常性项目", "跨年度项目")
CATEGORIES = ("特定目标类", "运转类", "其他运转类")
GRADES = (("优", 90), ("良", 80), ("中", 60), ("差", 0))


# ---------------------------------------------------------------------------------------------
# Numbers: integers in hundredths (0.01), printed with two decimals


def fmt(hundredths: int, commas: bool = False) -> str:
    sign = "-" if hundredths < 0 else ""
    whole, frac = divmod(abs(hundredths), 100)
    text = f"{whole:,}" if commas else str(whole)
    return f"{sign}{text}.{frac:02d}"


def dec(hundredths: int) -> str:
    """Hundredths -> the plain decimal string a parser would produce (`12.50`)."""
    return fmt(hundredths)


def rate_of(spent: int, adjusted: int) -> int:
    """执行率 in hundredths of a percent, truncated (as the forms print it): 605.66/616.70 -> 9820."""
    return 0 if adjusted <= 0 else spent * 10000 // adjusted


def budget_score(weight: int, rate: int) -> int:
    """Budget score in hundredths, truncated: weight 10.00 × 92.87% -> 9.28."""
    return weight * rate // 10000


def grade_of(total: int) -> str:
    for name, floor in GRADES:
        if total >= floor * 100:
            return name
    return GRADES[-1][0]


# ---------------------------------------------------------------------------------------------
# Records of what was generated


@dataclass
class GenIndicator:
    level1: str
    level2: str
    name: str
    kind: str  # count, percent, percent_le, cost_le, qualitative, date
    unit: str | None
    op: str | None
    target_text: str  # as printed in the target cell (without the unit when a unit column is used)
    actual_text: str
    target_value: int | None  # hundredths
    actual_value: int | None
    weight: int = 0
    score: int = 0
    note: str = ""
    planted: str | None = None


@dataclass
class GenProject:
    name: str
    kind: str
    document: str
    year: int
    department: str
    implementer: str
    indicators: list[GenIndicator]
    goals: dict[str, list[str]]
    budget: dict[str, Any] | None = None
    funding: dict[str, Any] | None = None
    total_weight: int | None = None
    total_score: int | None = None
    grade: str | None = None
    planted: list[tuple[str | None, str, str]] = field(default_factory=list)  # (indicator, rule, why)


@dataclass
class Layout:
    """How one document is laid out: the variations the parser must take in its stride."""

    weight_header: str = "分值"
    unit_column: bool = False
    money_unit: str = "万元"
    commas: bool = True
    name_gap: bool = True  # 项目名称\t\t{name} (an empty merged cell) rather than 项目名称\t{name}
    spaced_labels: bool = True  # 产出 指标 (PDF line breaks) rather than 产出指标
    markup: bool = False  # <p>…</p> around goal text
    target_style: int = 0  # 0: ≥20.00(份)  1: ≥20份  2: ≥ 20.00 (份)
    drop_leading: float = 0.0  # share of continuation rows printed without their empty leading cells
    target_header: str = "年度指标值"
    actual_header: str = "实际完成值"
    note_header: str = "偏差原因分析及改进措施"
    fill_project_total: bool = False  # 申报表: print 项目资金总额 / 财政资金 (the samples leave them empty)


# ---------------------------------------------------------------------------------------------
# The generator


class Generator:
    """Seeded: the same (seed, rate) yields the same files, byte for byte."""

    def __init__(self, seed: int = 7, rate: float = 0.05) -> None:
        self.rng = random.Random(seed)
        self.rate = rate

    # ------------------------------------------------------------------------- measures

    def _measure_texts(self, layout: Layout, op: str, value: int, unit: str, decimals: bool = True) -> str:
        number = fmt(value) if decimals else (str(value // 100) if value % 100 == 0 else fmt(value))
        if layout.unit_column:
            return f"{op}{number}"
        if layout.target_style == 1:
            return f"{op}{number}{unit}"
        if layout.target_style == 2:
            return f"{op} {number} ({unit})"
        return f"{op}{number}({unit})"

    def _actual_text(self, layout: Layout, value: int, unit: str) -> str:
        if layout.unit_column:
            return fmt(value)
        if layout.target_style == 1:
            return f"{fmt(value)}{unit}"
        return f"{fmt(value)}({unit})"

    def _indicator(
        self, aspect: dict[str, Any], item: str, year: int, layout: Layout, declaration: bool
    ) -> GenIndicator:
        rng = self.rng
        names = aspect["names"]
        template = rng.choice(names)
        name = template.format(item=item)
        level2 = aspect["level2"]
        level1 = LEVEL1_OF[level2]
        kind = aspect["kind"]
        if kind in ("qualitative", "date"):
            if kind == "date":
                target = rng.choice(DATE_TARGETS_DECL if declaration else DATE_TARGETS_SELF).format(year=year)
                actual = "达成指标"
            else:
                target = rng.choice(aspect["targets"])
                actual = rng.choice(aspect["actuals"])
            return GenIndicator(level1, level2, name, kind, None, None, target, actual, None, None)
        lo, hi = aspect["range"]
        decimals = rng.random() < 0.8
        if kind in ("percent", "percent_le"):
            unit = "%"
            if kind == "percent":
                target = rng.randint(lo, hi) * 100
                op = "≥"
                if target == 10000 or rng.random() < 0.15:
                    op, target = "=", 10000  # ≥100% is a target no one can exceed: the forms write =100
                # Met: at or above the target (exactly at it often: ≥95 vs 95 is met).
                actual = target if rng.random() < 0.5 else rng.randint(target, 10000)
            else:
                target = rng.randint(lo, hi) * 100
                op = "≤"
                actual = rng.randint(0, target)
        else:
            unit = aspect["unit"]
            target = rng.randint(lo, hi) * 100
            if kind == "cost_le":
                op = "≤"
                actual = rng.randint(target // 2 // 100, target // 100) * 100
            else:
                op = rng.choice(("≥", "≥", "≥", "=", ">"))
                if op == "=":
                    actual = target
                elif op == ">":
                    actual = rng.randint(target // 100 + 1, max(target // 100 + 1, target * 2 // 100)) * 100
                else:
                    actual = (
                        target if rng.random() < 0.6 else rng.randint(target // 100, target * 2 // 100) * 100
                    )
        target_text = self._measure_texts(layout, op, target, unit, decimals)
        actual_text = self._actual_text(layout, actual, unit)
        return GenIndicator(level1, level2, name, kind, unit, op, target_text, actual_text, target, actual)

    # ------------------------------------------------------------------------- weights

    def _weights(self, n: int, total: int) -> list[int]:
        """n weights in hundredths, multiples of 0.50, at least 1.00 each, summing to `total`.

        Drawn around an even share (the forms weigh indicators roughly alike), then fixed up by the
        largest remainders so they add up exactly.
        """
        halves = total // 50
        raw = [self.rng.randint(4, 10) for _ in range(n)]
        scale = halves / sum(raw)
        parts = [max(2, int(r * scale)) for r in raw]
        order = sorted(range(n), key=lambda i: raw[i] * scale - int(raw[i] * scale), reverse=True)
        i = 0
        while sum(parts) != halves:
            j = order[i % n]
            if sum(parts) < halves:
                parts[j] += 1
            elif parts[j] > 2:
                parts[j] -= 1
            i += 1
        return [p * 50 for p in parts]

    # ------------------------------------------------------------------------- projects

    def _project_name(self, domain: dict[str, Any], item: str, region: str, taken: set[str]) -> str:
        rng = self.rng
        for _ in range(20):
            name = item + rng.choice(NAME_SUFFIXES)
            if rng.random() < 0.25:
                name = region + name
            if rng.random() < 0.08:
                name += rng.choice(NAME_QUALIFIERS)
            if name not in taken:
                taken.add(name)
                return name
        n = 2
        while f"{name}{n}" in taken:
            n += 1
        taken.add(f"{name}{n}")
        return f"{name}{n}"

    def _aspects(self, n: int) -> list[dict[str, Any]]:
        rng = self.rng
        by_level: dict[str, list[dict[str, Any]]] = {}
        for a in ASPECTS:
            by_level.setdefault(a["level2"], []).append(a)
        # Every project has the template's categories (quantity, quality, timeliness, cost, an effect,
        # satisfaction); the rest varies.
        effects = [a for a in ASPECTS if LEVEL1_OF[a["level2"]] == "效益指标"]
        chosen = [
            rng.choice(by_level[lv])
            for lv in ("数量指标", "质量指标", "时效指标", "成本指标", "服务对象满意度指标")
        ]
        chosen.append(rng.choice(effects))
        pool = [a for a in ASPECTS]
        while len(chosen) < n:
            chosen.append(rng.choice(pool))
        chosen.sort(key=lambda a: LEVEL_ORDER.index(a["level2"]))
        return chosen

    def _goal_clauses(
        self, aspects: list[dict[str, Any]], items: list[str], indicators: list[GenIndicator], vision: str
    ) -> tuple[list[str], list[str]]:
        goals: list[str] = []
        done: list[str] = []
        seen: set[str] = set()
        for aspect, item, ind in zip(aspects, items, indicators, strict=True):
            g = aspect["goal"].format(item=item).replace("服务服务", "服务")
            if g in seen:
                continue
            seen.add(g)
            goals.append(g)
            n = (ind.actual_value or 0) // 100
            # Some outcomes state the figure (形成评估报告 5 份), others only that the work was done.
            template = aspect["done0"] if "done0" in aspect and self.rng.random() < 0.25 else aspect["done"]
            done.append(template.format(item=item, n=n).replace("服务服务", "服务"))
        goals.append(vision)
        done.append(f"{vision}取得积极成效")
        return goals[:6], done[:6]

    def project(
        self,
        document: str,
        kind: str,
        year: int,
        department: str,
        implementer: str,
        domain: dict[str, Any],
        region: str,
        layout: Layout,
        taken: set[str],
    ) -> GenProject:
        rng = self.rng
        declaration = kind == "declaration"
        main_item = rng.choice(domain["items"])
        name = self._project_name(domain, main_item, region, taken)
        n = rng.choice((6, 6, 7, 8, 8, 9, 10, 10, 11, 12, 13, 14, 15, 16, 18, 20, 24))
        aspects = self._aspects(n)
        # Most indicators speak of the project's own work item, a few of a neighbouring one.
        items = [main_item if rng.random() < 0.8 else rng.choice(domain["items"]) for _ in aspects]
        indicators: list[GenIndicator] = []
        names_seen: set[str] = set()
        for aspect, item in zip(aspects, items, strict=True):
            ind = self._indicator(aspect, item, year, layout, declaration)
            if ind.name in names_seen:  # one indicator name per project: truth is keyed on it
                ind.name = (
                    f"{item}{ind.name}"
                    if not ind.name.startswith(item)
                    else f"{ind.name}（{len(names_seen)}）"
                )
                if ind.name in names_seen:
                    ind.name = f"{ind.name}（{len(names_seen)}）"
            names_seen.add(ind.name)
            indicators.append(ind)
        p = GenProject(name, kind, document, year, department, implementer, indicators, {})
        if declaration:
            self._declaration_figures(p, layout)
        else:
            self._self_evaluation_figures(p, layout)
        # Goals last: the outcome clauses quote the (possibly planted) actual figures.
        expected, achieved = self._goal_clauses(aspects, items, indicators, rng.choice(domain["vision"]))
        if declaration:
            p.goals = {
                "overall": expected,
                "annual": expected if rng.random() < 0.6 else expected[: max(2, len(expected) - 1)],
            }
        else:
            p.goals = {"expected": expected, "achieved": achieved}
        return p

    def _self_evaluation_figures(self, p: GenProject, layout: Layout) -> None:
        rng = self.rng
        weights = self._weights(len(p.indicators), 9000)
        for ind, w in zip(p.indicators, weights, strict=True):
            ind.weight = w
            ind.score = w
            # Exceeded counts sometimes carry a consistent note (实际完成 N 份，超计划完成).
            exceeded = (ind.actual_value or 0) > (ind.target_value or 0)
            if (
                ind.kind == "count"
                and ind.op in ("≥", ">")
                and ind.unit in NOTE_UNITS
                and exceeded
                and rng.random() < 0.3
            ):
                ind.note = f"实际完成{fmt_count(ind.actual_value)}{ind.unit}，超计划完成"
        # Indicator-level plants.
        exceed_planted = False
        for ind in p.indicators:
            if rng.random() >= self.rate:
                continue
            options = []
            if ind.kind in ("count", "percent") and ind.op in ("≥", "=") and (ind.target_value or 0) >= 200:
                options += ["target-not-met", "target-not-met"]
            if not exceed_planted:
                options.append("score-exceeds-weight")
            if ind.kind == "count" and ind.op in ("≥", ">") and ind.unit in NOTE_UNITS:
                options.append("note-contradicts-value")
            if not options:
                continue
            rule = rng.choice(options)
            if rule == "target-not-met":
                self._plant_shortfall(p, ind, layout)
            elif rule == "score-exceeds-weight":
                exceed_planted = True
                extra = rng.choice((20, 30, 50))
                ind.score = ind.weight + extra
                ind.planted = rule
                p.planted.append((ind.name, rule, f"得分 {fmt(ind.score)} 高于分值 {fmt(ind.weight)}"))
                if ind.actual_text == "达成指标":  # above the full-marks band of a met result, too
                    p.planted.append(
                        (
                            ind.name,
                            "score-out-of-band",
                            f"达成指标得分 {fmt(ind.score)} 高于满分 {fmt(ind.weight)}",
                        )
                    )
            else:
                self._plant_contradicting_note(p, ind, layout)
        excess = sum(max(0, i.score - i.weight) for i in p.indicators)
        # Budget: clean rates stay at or above 90% and adjustments below the 20% cut a reviewer flags.
        planned = rng.choice(
            (rng.randint(500, 20000), rng.randint(2000, 400000), rng.randint(20000, 3000000))
        )
        adjusted = planned if rng.random() < 0.6 else planned * rng.randint(85, 100) // 100
        max_rate = 10000 - excess * 10  # keep 总分 ≤ 100 when a score exceeds its weight
        lo_rate = 9050 if max_rate > 9050 else 9000
        rate_target = rng.randint(lo_rate, max(lo_rate, max_rate)) if rng.random() < 0.7 else max_rate
        spent = adjusted * rate_target // 10000
        while spent > 0 and budget_score(1000, rate_of(spent, adjusted)) > 1000 - excess:
            spent -= 1
        carry_share = 0 if rng.random() < 0.8 else rng.randint(5, 30)
        carry_adj = adjusted * carry_share // 100
        carry_planned = carry_adj
        carry_spent = min(carry_adj, spent * carry_share // 100)
        lines = {
            "total": (planned, adjusted, spent),
            "appropriation": (planned - carry_planned, adjusted - carry_adj, spent - carry_spent),
            "carryover": (carry_planned, carry_adj, carry_spent),
            "other": (0, 0, 0),
        }
        rate = rate_of(spent, adjusted)
        printed_rate = rate
        project_rule = None
        if rng.random() < self.rate:
            project_rule = rng.choice(PROJECT_RULES_SELF)
        if project_rule == "execution-rate-mismatch":
            delta = rng.choice((-300, -150, -80, 80, 150))
            if rate + delta < 9000 or rate + delta > 10000:
                delta = -delta  # stay within 90%-100%: a low rate is a finding of its own
            printed_rate = rate + delta
            p.planted.append(
                (
                    None,
                    project_rule,
                    f"执行率 {fmt(printed_rate)} 与 {fmt(spent)}/{fmt(adjusted)} = {fmt(rate)} 不符",
                )
            )
        weight = 1000
        bscore = budget_score(weight, printed_rate)
        p.budget = {
            "unit": layout.money_unit,
            "planned": planned,
            "adjusted": adjusted,
            "spent": spent,
            "weight": weight,
            "rate": printed_rate,
            "true_rate": rate,
            "score": bscore,
            "lines": lines,
        }
        total = bscore + sum(i.score for i in p.indicators)
        printed_total = total
        if project_rule == "total-mismatch":
            delta = rng.choice((50, 100, 200, 300, 500))
            printed_total = (
                total - delta
                if total - delta >= 0 and (total + delta > 10000 or rng.random() < 0.5)
                else total + delta
            )
            p.planted.append(
                (None, project_rule, f"总分 {fmt(printed_total)} 与分项得分合计 {fmt(total)} 不符")
            )
        p.total_weight = weight + sum(i.weight for i in p.indicators)
        p.total_score = printed_total
        p.grade = grade_of(printed_total)

    def _plant_shortfall(self, p: GenProject, ind: GenIndicator, layout: Layout) -> None:
        rng = self.rng
        target = ind.target_value or 0
        # At most 97% of the target, so the proportional score stays clearly below the weight.
        if ind.kind == "percent":
            actual = max(0, target - rng.randint(3, 15) * 100 - rng.choice((0, 50)))
        else:
            actual = rng.randint(0, target * 97 // 100 // 100) * 100
        ind.actual_value = actual
        ind.actual_text = self._actual_text(layout, actual, ind.unit or "")
        # Proportional scoring (Settings.scoring_formula): weight × actual / target, truncated.
        ind.score = int(
            (Decimal(ind.weight) * Decimal(actual) / Decimal(target)).to_integral_value(rounding=ROUND_DOWN)
        )
        with_note = rng.random() < 0.6
        ind.note = (
            f"{rng.choice(SHORTFALL_CAUSES)}，{ind.name}未达到年度目标，{rng.choice(SHORTFALL_FIXES)}"
            if with_note
            else ""
        )
        ind.planted = "target-not-met"
        why = "有偏差说明" if with_note else "无偏差说明"
        p.planted.append((ind.name, "target-not-met", f"{ind.target_text} 实际 {ind.actual_text}，{why}"))
        if not with_note:
            p.planted.append(
                (ind.name, "deviation-unexplained", f"未达成目标（{ind.actual_text}），偏差原因为空")
            )

    def _plant_contradicting_note(self, p: GenProject, ind: GenIndicator, layout: Layout) -> None:
        rng = self.rng
        actual = ind.actual_value or 0
        claimed = actual + rng.randint(1, max(1, actual // 100 // 2 + 1)) * 100
        ind.note = f"实际完成{fmt_count(claimed)}{ind.unit}，超计划完成"
        ind.planted = "note-contradicts-value"
        p.planted.append(
            (
                ind.name,
                "note-contradicts-value",
                f"实际完成值 {ind.actual_text}，说明写 {fmt_count(claimed)}{ind.unit}",
            )
        )

    def _declaration_figures(self, p: GenProject, layout: Layout) -> None:
        rng = self.rng
        for ind in p.indicators:
            if rng.random() < self.rate:
                ind.target_text = rng.choice(VAGUE_TARGETS)
                ind.kind = "vague"
                ind.op = None
                ind.target_value = None
                ind.unit = None
                ind.planted = "vague-target"
                p.planted.append((ind.name, "vague-target", f"指标值“{ind.target_text}”无法在年末衡量"))
        # Money in 元 (hundredths of a yuan), whole thousands as the forms mostly have.
        appropriation = rng.randint(50, 20000) * 1000 * 100
        carryover = 0 if rng.random() < 0.85 else rng.randint(10, 500) * 1000 * 100
        annual_other = 0 if rng.random() < 0.9 else rng.randint(10, 500) * 1000 * 100
        annual = appropriation + carryover + annual_other
        printed_annual = annual
        if rng.random() < self.rate:
            delta = rng.choice((10000, 50000, 100000, 1000000)) * 100
            printed_annual = annual + delta if rng.random() < 0.5 else max(0, annual - delta)
            p.planted.append(
                (
                    None,
                    "funding-mismatch",
                    f"年度资金申请总额 {fmt(printed_annual)} 与分项合计 {fmt(annual)} 不符",
                )
            )
        if layout.markup:
            p.planted.append((None, "markup-residue", "目标文本残留 <p> 标记"))
        fiscal = appropriation + carryover
        other = annual_other
        p.funding = {
            "unit": layout.money_unit,
            "total": fiscal + other,
            "fiscal": fiscal,
            "other": other,
            "annual_request": printed_annual,
            "appropriation": appropriation,
            "carryover": carryover,
            "annual_other": annual_other,
            "nature": rng.choice(NATURES),
            "category": rng.choice(CATEGORIES),
            "start_date": f"{p.year}-01-01",
            "end_date": f"{p.year}-12-31",
        }


def fmt_count(hundredths: int | None) -> str:
    """A count in a note: 3 (not 3.00)."""
    v = hundredths or 0
    return str(v // 100) if v % 100 == 0 else fmt(v)


# ---------------------------------------------------------------------------------------------
# Rendering: the text layout of the samples (tab-separated rows, title lines, merged cells)


def _money(layout: Layout, hundredths_wan: int) -> str:
    """A self-evaluation figure kept in hundredths of 万元, printed in the document's unit."""
    if layout.money_unit == "元":
        return fmt(hundredths_wan * 10000, layout.commas)
    return fmt(hundredths_wan, layout.commas)


def _yuan(layout: Layout, hundredths_yuan: int) -> str:
    """A declaration figure kept in hundredths of 元, printed in the document's unit."""
    if layout.money_unit == "万元":
        return fmt(hundredths_yuan // 10000, layout.commas)
    return fmt(hundredths_yuan, layout.commas)


def _label(text: str, layout: Layout) -> str:
    if not layout.spaced_labels:
        return text
    # PDF extraction breaks 产出指标 into 产出 指标; 服务对象满意度指标 into 服务对象 满意度 指标.
    if text.endswith("指标") and len(text) > 2:
        head = text[:-2]
        if len(head) > 4:
            return f"{head[:4]} {head[4:]} 指标"
        return f"{head} 指标"
    return text


def _goal_text(clauses: list[str], style: int, layout: Layout) -> str:
    if style == 0:
        text = "；".join(clauses) + "。"
    elif style == 1:
        text = "".join(f"{i}、{c}；" for i, c in enumerate(clauses, 1)).rstrip("；") + "。"
    else:
        numerals = "一二三四五六七八九十"
        text = " ".join(f"（{numerals[i]}）{c}；" for i, c in enumerate(clauses)).rstrip("；") + "。"
    return f"<p>{text}</p>" if layout.markup else text


def render_self_evaluation(p: GenProject, layout: Layout, rng: random.Random) -> list[str]:
    b = p.budget or {}
    lines = [
        "财政项目支出绩效自评表",
        "",
        f"({p.year} 年度)" if rng.random() < 0.7 else f"({p.year}年度)",
        "",
    ]
    gap = "\t" if layout.name_gap else ""
    lines.append(f"项目名称\t{gap}{p.name}\t\t\t\t\t")
    lines.append(f"主管部门\t{gap}{p.department}\t\t实施单位\t{gap}{p.implementer}\t")
    weight_col = "分数" if layout.weight_header == "分值" else layout.weight_header
    lines.append(
        f"项目资金 ({layout.money_unit})\t\t年初预算数\t全年预算数\t全年执行数\t{weight_col}\t执行率(%)\t得分"
    )
    labels = {
        "total": "年度资金总额:",
        "appropriation": "其中: 当年财政拨款",
        "carryover": "上年结转资金",
        "other": "其他资金",
    }
    for key, (planned, adjusted, spent) in b["lines"].items():
        if key == "total":
            rate, weight, score = b["rate"], fmt(b["weight"]), fmt(b["score"])
        else:
            rate = rate_of(spent, adjusted)
            # A sub-line with the total's figures shows the total's (possibly misprinted) rate.
            if (planned, adjusted, spent) == b["lines"]["total"]:
                rate = b["rate"]
            weight, score = "-", "-"
        lines.append(
            f"\t{labels[key]}\t{_money(layout, planned)}\t{_money(layout, adjusted)}\t{_money(layout, spent)}\t{weight}\t{fmt(rate)}\t{score}"
        )
    style = rng.randint(0, 2)
    lines.append(
        "年度 总体 目标\t预期目标\t\t\t实际完成情况\t\t\t"
        if layout.spaced_labels
        else "年度总体目标\t预期目标\t\t\t实际完成情况\t\t\t"
    )
    lines.append(
        f"\t{_goal_text(p.goals['expected'], style, layout)}\t\t\t{_goal_text(p.goals['achieved'], style, layout)}\t\t\t"
    )
    head = [_label("一级指标", layout), _label("二级指标", layout), "三级指标"]
    if layout.unit_column:
        head.append("度量单位")
    head += [layout.target_header, layout.actual_header, layout.weight_header, "得分", layout.note_header]
    lines.append("\t".join(head))
    prev1 = prev2 = None
    for ind in p.indicators:
        l1 = _label(ind.level1, layout) if ind.level1 != prev1 else ""
        l2 = _label(ind.level2, layout) if (ind.level2, ind.level1) != (prev2, prev1) else ""
        prev1, prev2 = ind.level1, ind.level2
        cells = [ind.name]
        if layout.unit_column:
            cells.append(ind.unit or "/")
        cells += [ind.target_text, ind.actual_text, fmt(ind.weight), fmt(ind.score), ind.note]
        # A name that is itself the start of a template label (服务对象满意度) cannot lose its leading cells:
        # a reader could not tell it from a broken 二级指标 cell either.
        ambiguous = any(label.startswith(ind.name) for label in LEVEL1_OF)
        if not l1 and not l2 and not ambiguous and rng.random() < layout.drop_leading:
            lines.append("\t".join(cells))  # the merged leading cells lost, as PDF text often has it
        else:
            lines.append("\t".join([l1, l2, *cells]))
    pad = "\t" * (4 if layout.unit_column else 3)
    lines.append(f"总分\t\t{pad}{fmt(p.total_weight or 0)}\t{fmt(p.total_score or 0)}\t")
    lines.append(f"评分等级\t{gap}{p.grade}\t\t\t\t\t")
    lines.append("")
    return lines


def render_declaration(p: GenProject, layout: Layout, rng: random.Random) -> list[str]:
    f = p.funding or {}
    lines = [
        "财政项目支出绩效目标申报表",
        "",
        f"({p.year}年度)" if rng.random() < 0.7 else f"({p.year} 年度)",
        "",
    ]
    lines.append(f"项目名称\t{p.name}\t项目性质\t{f['nature']}\t项目类别\t{f['category']}")
    lines.append(f"主管部门\t{p.department}\t实施单位\t{p.implementer}\t\t")
    lines.append(f"计划开始日期\t{f['start_date']}\t计划完成日期\t{f['end_date']}\t\t")
    left_total = _yuan(layout, f["total"]) if layout.fill_project_total else ""
    left_fiscal = _yuan(layout, f["fiscal"]) if layout.fill_project_total else ""
    left_other = _yuan(layout, f["other"]) if layout.fill_project_total else ""
    lines.append(
        f"项目资金 ({layout.money_unit})\t项目资金总额\t{left_total}\t年度资金申请总额\t{_yuan(layout, f['annual_request'])}\t"
    )
    lines.append(
        f"\t其中：财政资金\t{left_fiscal}\t其中：当年财政拨款\t{_yuan(layout, f['appropriation'])}\t"
    )
    lines.append(f"\t\t\t上年结转资金\t{_yuan(layout, f['carryover'])}\t")
    lines.append(f"\t其他资金\t{left_other}\t其他资金\t{_yuan(layout, f['annual_other'])}\t")
    style = rng.randint(0, 2)
    lines.append(
        "项目 绩效 目标\t项目总目标\t\t年度总体目标\t\t"
        if layout.spaced_labels
        else "项目绩效目标\t项目总目标\t\t年度总体目标\t\t"
    )
    lines.append(
        f"\t{_goal_text(p.goals['overall'], style, layout)}\t\t{_goal_text(p.goals['annual'], style, layout)}\t\t"
    )
    head = ["", "一级指标", "二级指标", "三级指标"]
    if layout.unit_column:
        head.append("度量单位")
    head.append("年度(/项目)指标值" if layout.target_header == "年度指标值" else layout.target_header)
    lines.append("\t".join(head))
    prev1 = prev2 = None
    first = True
    for ind in p.indicators:
        l1 = ind.level1 if ind.level1 != prev1 else ""
        l2 = ind.level2 if (ind.level2, ind.level1) != (prev2, prev1) else ""
        prev1, prev2 = ind.level1, ind.level2
        lead = ("绩效 指标" if layout.spaced_labels else "绩效指标") if first else ""
        first = False
        cells = [lead, l1, l2, ind.name]
        if layout.unit_column:
            cells.append(ind.unit or "/")
        cells.append(ind.target_text)
        lines.append("\t".join(cells))
    lines.append("")
    return lines


# ---------------------------------------------------------------------------------------------
# Corpus


@dataclass(frozen=True)
class Corpus:
    """A generated corpus on disk: its documents, the ground truth and the expected figures."""

    root: Path
    projects: int
    documents: int
    planted: int
    indicators: int

    @property
    def docs(self) -> Path:
        return self.root / DOCS_DIR

    @property
    def truth(self) -> Path:
        return self.root / TRUTH_FILE

    @property
    def expected(self) -> Path:
        return self.root / PROJECTS_FILE

    def files(self) -> list[Path]:
        return sorted(self.docs.glob("*.txt"))


def _layout(rng: random.Random, kind: str) -> Layout:
    unit_column = rng.random() < 0.15
    return Layout(
        weight_header="权重" if rng.random() < 0.25 else "分值",
        unit_column=unit_column,
        money_unit=("元" if rng.random() < 0.2 else "万元")
        if kind == "self_evaluation"
        else ("万元" if rng.random() < 0.15 else "元"),
        commas=rng.random() < 0.8,
        name_gap=rng.random() < 0.6,
        spaced_labels=rng.random() < 0.5,
        markup=rng.random() < 0.2,
        target_style=0 if unit_column else rng.choice((0, 0, 0, 1, 2)),
        drop_leading=0.1 if rng.random() < 0.2 else 0.0,
        target_header=rng.choice(("年度指标值", "年度指标值", "全年指标值")),
        actual_header=rng.choice(("实际完成值", "实际完成值", "全年实际值")),
        note_header=rng.choice(("偏差原因分析及改进措施", "未完成原因分析及改进措施")),
        fill_project_total=rng.random() < 0.3,
    )


def _decimal_str(hundredths: int | None) -> str | None:
    return None if hundredths is None else dec(hundredths)


def _expected_record(p: GenProject) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "document": p.document,
        "project": p.name,
        "kind": p.kind,
        "year": p.year,
        "department": p.department,
        "implementer": p.implementer,
        "indicators": [
            {
                "name": i.name,
                "level1": i.level1,
                "level2": i.level2,
                "target": i.target_text,
                "target_value": _decimal_str(i.target_value),
                "unit": i.unit,
                "actual_value": _decimal_str(i.actual_value) if p.kind == "self_evaluation" else None,
                "weight": _decimal_str(i.weight) if p.kind == "self_evaluation" else None,
                "score": _decimal_str(i.score) if p.kind == "self_evaluation" else None,
                "note": i.note,
                "planted": i.planted,
            }
            for i in p.indicators
        ],
        "planted": sorted({rule for _, rule, _ in p.planted}),
    }
    if p.budget:
        b = p.budget
        factor = 10000 if b["unit"] == "元" else 1
        rec["budget"] = {
            "unit": b["unit"],
            "planned": dec(b["planned"] * factor),
            "adjusted": dec(b["adjusted"] * factor),
            "spent": dec(b["spent"] * factor),
            "weight": dec(b["weight"]),
            "rate": dec(b["rate"]),
            "true_rate": dec(b["true_rate"]),
            "score": dec(b["score"]),
        }
        rec["total_weight"] = dec(p.total_weight or 0)
        rec["total_score"] = dec(p.total_score or 0)
        rec["grade"] = p.grade
    if p.funding:
        f = p.funding
        div = 10000 if f["unit"] == "万元" else 1
        rec["funding"] = {
            "unit": f["unit"],
            **{
                k: dec(f[k] // div)
                for k in (
                    "annual_request",
                    "appropriation",
                    "carryover",
                    "annual_other",
                    "total",
                    "fiscal",
                    "other",
                )
            },
        }
    return rec


def generate(out: str | Path, projects: int, seed: int = 7, rate: float = 0.05) -> Corpus:
    """Write `projects` projects as text documents under `out/docs`, with `truth.jsonl` and `projects.jsonl`.

    Args:
        out: the corpus directory (created; existing files of an older corpus there are replaced).
        projects: how many projects in all (documents hold 5-30 each, like a bureau's annual file).
        seed: the random seed; the same seed and rate give the same bytes.
        rate: the share of indicator rows (and of projects, for project-level rules) given a planted error.
    Returns:
        The Corpus.

    Example:
        corpus = generate("/tmp/bench-1k", 1000)
        [json.loads(x)["rule"] for x in corpus.truth.read_text().splitlines()][:2]
    """
    root = Path(out)
    docs_dir = root / DOCS_DIR
    docs_dir.mkdir(parents=True, exist_ok=True)
    for old in docs_dir.glob("*.txt"):
        old.unlink()
    gen = Generator(seed, rate)
    rng = gen.rng
    made = documents = planted = indicators = 0
    with (
        open(root / TRUTH_FILE, "w", encoding="utf-8") as truth,
        open(root / PROJECTS_FILE, "w", encoding="utf-8") as expected,
    ):
        while made < projects:
            documents += 1
            kind = "self_evaluation" if rng.random() < SELF_EVALUATION_SHARE else "declaration"
            domain = rng.choice(DOMAINS)
            region = rng.choice(REGIONS)
            year = rng.randint(2021, 2025)
            department = f"{region}{domain['bureau']}"
            count = min(projects - made, rng.randint(5, 30))
            layout = _layout(rng, kind)
            name = f"{documents:06d}_{year}_{kind}.txt"
            lines: list[str] = ["", ""]
            if kind == "declaration" and rng.random() < 0.5:
                unit = rng.choice(domain["units"])
                lines += [f"{department}{unit}{year}年度项目绩效目标汇总表", ""]
            taken: set[str] = set()
            for _ in range(count):
                implementer = (
                    department if rng.random() < 0.5 else f"{department}{rng.choice(domain['units'])}"
                )
                p = gen.project(name, kind, year, department, implementer, domain, region, layout, taken)
                render = render_self_evaluation if kind == "self_evaluation" else render_declaration
                lines += render(p, layout, rng)
                lines.append("")
                for indicator, rule, why in p.planted:
                    rec = {
                        "document": name,
                        "project": p.name,
                        "indicator": indicator,
                        "rule": rule,
                        "why": why,
                    }
                    truth.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    planted += 1
                expected.write(json.dumps(_expected_record(p), ensure_ascii=False) + "\n")
                indicators += len(p.indicators)
                made += 1
            (docs_dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = Corpus(root, made, documents, planted, indicators)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "projects": made,
        "documents": documents,
        "indicators": indicators,
        "planted": planted,
        "seed": seed,
        "rate": rate,
        "rules": list(PLANTED_RULES),
        "project_level_rules": list(PROJECT_LEVEL_RULES),
    }
    # Written last: a corpus directory with a manifest is complete.
    (root / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return corpus


def cached(out: str | Path, projects: int, seed: int = 7, rate: float = 0.05) -> Corpus:
    """The corpus in `out` when it was generated with these arguments by this generator, else a fresh one."""
    root = Path(out)
    try:
        m = json.loads((root / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        m = {}
    if (m.get("generator_version"), m.get("projects"), m.get("seed"), m.get("rate")) == (
        GENERATOR_VERSION,
        projects,
        seed,
        rate,
    ):
        return Corpus(root, m["projects"], m["documents"], m["planted"], m["indicators"])
    return generate(root, projects, seed, rate)


def load_truth(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a benchmark corpus of 自评表/申报表 with planted errors."
    )
    parser.add_argument("--projects", type=int, default=1000, help="how many projects (default 1000)")
    parser.add_argument("--out", required=True, help="the corpus directory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rate", type=float, default=0.05, help="share of rows given a planted error (default 0.05)"
    )
    args = parser.parse_args(argv)
    c = generate(args.out, args.projects, args.seed, args.rate)
    sys.stdout.write(
        f"{c.projects} projects in {c.documents} documents, {c.indicators} indicators, {c.planted} planted errors -> {c.root}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
