"""CN_USCC — 统一社会信用代码 (GB 32100-2015), the 18-character code of every organisation.

The code is public: deid keeps it. It is recognised so that its digits are never taken for a person's ID or
bank card: a valid code scores 1.0 and wins the overlap.

Structure, from the left, in the 31 characters 0-9 A-H J-N P-R T-U W-Y (no I, O, Z, S, V):

- 1 登记管理部门: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商 (市场监管),
  A 中央军委改革和编制办公室, N 农业 (农村集体经济组织), Y 其他;
- 2 机构类别, a digit whose meaning depends on the department (9 then 1 企业, 2 个体工商户, 3 农民专业合作社);
- 3-8 登记管理机关行政区划码 (GB/T 2260, 100000 for national registrations);
- 9-17 主体标识码 (the former 组织机构代码, GB 11714);
- 18 the check character, MOD 31-3: give each of the first 17 characters its value (0-9 are 0-9, A is 10 …
  Y is 30, in the order of the alphabet above), multiply the i-th (counting from 0) by 3**i mod 31, sum;
  the check character is the one whose value is (31 - sum mod 31) mod 31.

>>> calc_check_digit('91350100M000100Y4')
'3'
>>> validate('91350100m000100y43')
'91350100M000100Y43'
>>> validate('91350100M000100Y44')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidChecksum: the check digit does not match
>>> validate('94350100M000100Y4U')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidComponent: the registration department or category is unknown
>>> is_valid('N2350100MA00001X0P'), is_plausible('91350100M000100Y44'), is_plausible('91350100')
(True, True, False)
>>> mask('91350100M000100Y43')
'91350100********43'
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from recognizers import id_card
from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import digits_and_letters

ENTITY = "CN_USCC"

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_WEIGHTS = [3**i % 31 for i in range(17)]

# 登记管理部门 → the 机构类别 it registers (GB 32100-2015 appendix A; N added in 2018); 9 is always 其他 but for 工商.
CATEGORIES = {
    "1": "1239",  # 机关, 事业单位, 中央编办直接管理机构编制的群众团体
    "2": "19",  # 外国常驻新闻机构
    "3": "123459",  # 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会
    "4": "19",  # 外国在华文化中心
    "5": "1239",  # 社会团体, 民办非企业单位, 基金会
    "6": "129",  # 外国及港澳台地区旅游部门常驻代表机构
    "7": "129",  # 宗教活动场所, 宗教院校
    "8": "19",  # 基层工会
    "9": "123",  # 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 军队事业单位
    "N": "1239",  # 组级, 村级, 乡镇级集体经济组织
    "Y": "1",
}
# Region codes start with a province code, or 10 for registrations at national level.
REGION_PREFIXES = id_card.PROVINCE_CODES | {"10"}

_CHAR = "[0-9A-HJ-NP-RTUWXY]"
_SHAPE = "[1-9ANY][1-9][0-9]{6}" + _CHAR + "{10}"
_PLAUSIBLE = re.compile(_SHAPE)
_PERSONAL_NUMBER_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def compact(number: object) -> str:
    """Half-width, upper-case, without spaces, hyphens or dots."""
    return digits_and_letters(number).upper()


def calc_check_digit(number: object) -> str:
    """The check character for the first 17 characters of ``number``; '' if those are not 17 code characters."""
    body = compact(number)[:17]
    if len(body) != 17 or any(char not in _VALUES for char in body):
        return ""
    total = sum(_VALUES[char] * weight for char, weight in zip(body, _WEIGHTS))
    return ALPHABET[-total % 31]


def validate(number: object) -> str:
    """Return the compact code if it is valid, else raise a ValidationError subclass.

    Some 身份证号 happen to pass these checks too; the recognizer leaves those to the ID recognizer.
    """
    number = compact(number)
    if len(number) != 18:
        raise InvalidLength()
    if any(char not in _VALUES for char in number) or not number[2:8].isdigit():
        raise InvalidFormat()
    if number[1] not in CATEGORIES.get(number[0], ""):
        raise InvalidComponent("the registration department or category is unknown")
    if number[2:4] not in REGION_PREFIXES:
        raise InvalidComponent("the region code names no province")
    if calc_check_digit(number) != number[17]:
        raise InvalidChecksum()
    return number


def is_valid(number: object) -> bool:
    """Whether ``number`` is a valid 统一社会信用代码 (never raises)."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def is_plausible(number: object) -> bool:
    """Whether ``number`` has the shape of a 统一社会信用代码, check character and tables aside."""
    return _PLAUSIBLE.fullmatch(compact(number)) is not None


def mask(number: object, keep_first: int = 8, keep_last: int = 2, char: str = "*") -> str:
    """Keep department, category and region (the first 8) and the two check characters; mask the 主体标识码.

    deid publishes the code as is; this exists for pipelines that choose to mask it.
    """
    return id_card.mask(compact(number), keep_first=keep_first, keep_last=keep_last, char=char)


class UsccRecognizer(ZhPatternRecognizer):
    """统一社会信用代码 in text.

    A valid code scores 1.0. An invalid one that holds a letter keeps the pattern's score: it is no personal
    number, only a mistyped code. One made of digits only is not reported, nor is anything that is a 身份证号
    but perhaps for its check digit: claiming those would keep a person's number from being masked.
    """

    ENTITY = ENTITY
    PATTERNS = [Pattern("CN_USCC (GB 32100 shape)", r"(?<![0-9A-Za-z])" + _SHAPE + r"(?![0-9A-Za-z])", 0.4)]
    # jieba splits 统一社会信用代码 into 统一/社会/信用/代码, and context words are matched within single tokens.
    CONTEXT = [
        "统一社会信用代码", "社会信用代码", "信用代码", "信用", "纳税人识别号", "纳税人", "税号", "营业执照", "机构代码",
    ]  # fmt: skip
    NEEDS = "[0-9]{7}[0-9A-Z]{10}"

    def validate_result(self, pattern_text: str) -> bool | None:
        number = compact(pattern_text)
        if id_card.is_valid_but_for_checksum(number):
            return False
        if is_valid(number):
            return True
        return False if _PERSONAL_NUMBER_SHAPE.fullmatch(number) else None
