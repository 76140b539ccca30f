"""Money and shares as Vietnamese documents write them: the one helper every page, the dashboard
and the official report use.

1008000000000 → "1.008 tỷ đồng", 34900000000 → "34,9 tỷ đồng", 450000000 → "450 triệu đồng",
a share 36.47 → "36,5%". Amounts are whole đồng (Decimal or int); nothing here goes through float.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TY = Decimal(10) ** 9
TRIEU = Decimal(10) ** 6
SCALES = {"ty": (TY, "tỷ đồng"), "trieu": (TRIEU, "triệu đồng"), "dong": (Decimal(1), "đồng")}


def vn_number(value, places: int = 0) -> str:
    """A decimal number with "." between thousands and "," before the decimals, trailing zeros
    of the decimals dropped: 1008 → "1.008", 34.90 → "34,9", 42750 → "42.750"."""
    value = Decimal(value)
    quantum = Decimal(1).scaleb(-places)
    value = value.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, decimals = f"{abs(value):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    decimals = decimals.rstrip("0")
    return sign + ".".join(groups) + ("," + decimals if decimals else "")


def scale_for(amount) -> str:
    """The unit a document writes an amount in: tỷ from one tỷ, triệu from one triệu, else đồng."""
    size = abs(Decimal(amount))
    if size >= TY:
        return "ty"
    if size >= TRIEU:
        return "trieu"
    return "dong"


def money(amount, *, scale: str | None = None, places: int = 1, unit: bool = True) -> str:
    """An amount in đồng written in tỷ / triệu / đồng ("1.008 tỷ đồng"). `scale` forces one ("34,9"
    and "288" of "34,9/288 tỷ đồng" share the larger one's); `unit=False` leaves the words out."""
    amount = Decimal(amount or 0)
    scale = scale or scale_for(amount)
    divisor, words = SCALES[scale]
    text = vn_number(amount / divisor, 0 if scale == "dong" else places)
    return f"{text} {words}" if unit else text


def money_pair(part, whole, *, places: int = 1) -> str:
    """ "34,9/288 tỷ đồng": a part of a whole in the whole's unit."""
    scale = scale_for(whole if whole else part)
    return f"{money(part, scale=scale, places=places, unit=False)}/{money(whole, scale=scale, places=places)}"


def share(part, whole) -> Decimal | None:
    """part / whole × 100, exact to two decimals; None when there is no whole."""
    part, whole = Decimal(part or 0), Decimal(whole or 0)
    if whole <= 0:
        return None
    try:
        return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def percent(value, places: int = 1) -> str:
    """36.47 → "36,5%"; None → "—"."""
    if value is None:
        return "—"
    return f"{vn_number(value, places)}%"


def dong(amount) -> str:
    """The exact amount: 1008000000 → "1.008.000.000 đồng"."""
    return f"{vn_number(Decimal(amount or 0))} đồng"
