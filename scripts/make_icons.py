"""Generate the PWA icons, shortcut icons and placeholder screenshots with Pillow.

Run from the repository root: ``.venv/bin/python scripts/make_icons.py``. Output (committed):
``assets/icons/icon-{192,512}.png`` (purpose "any", rounded), ``assets/icons/icon-512-maskable.png``
(full bleed, artwork inside the 80 % safe zone), ``assets/icons/apple-touch-icon-180.png``,
``assets/icons/shortcut-{metro,feedback}-96.png`` and ``assets/screenshots/{narrow,wide}.png``
(390x844 and 1280x800 placeholders; the lead replaces them with real screenshots).
The script is deterministic, so re-running it gives identical files.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "assets" / "icons"
SHOTS = ROOT / "assets" / "screenshots"
RED = (165, 14, 34)  # #a50e22, the shell's --cds-red; white text on it is 7.9:1
RED_DARK = (125, 10, 25)
GOLD = (255, 205, 0)
WHITE = (255, 255, 255)
INK = (27, 31, 36)
MUTED = (74, 85, 96)
LINE = (213, 219, 225)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SUPER = 4  # draw at 4x and downsample for smooth edges


def font(size: int, bold: bool = False) -> ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default(size)


def star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: tuple[int, int, int]) -> None:
    import math

    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


def emblem(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float]) -> None:
    """A city skyline with a tapered tower, a river/metro line and a gold star, inside ``box``."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    base = y0 + h * 0.78
    blocks = [(0.06, 0.50, 0.17), (0.20, 0.36, 0.30), (0.58, 0.30, 0.70), (0.73, 0.46, 0.85), (0.86, 0.58, 0.95)]
    for left, top, right in blocks:
        draw.rectangle([x0 + w * left, y0 + h * top, x0 + w * right, base], fill=WHITE)
    tower = [(x0 + w * 0.36, base), (x0 + w * 0.40, y0 + h * 0.16), (x0 + w * 0.47, y0 + h * 0.04),
             (x0 + w * 0.54, y0 + h * 0.16), (x0 + w * 0.57, base)]
    draw.polygon(tower, fill=WHITE)
    draw.rounded_rectangle([x0, base + h * 0.06, x1, base + h * 0.14], radius=h * 0.04, fill=WHITE)
    star(draw, x0 + w * 0.14, y0 + h * 0.18, w * 0.10, GOLD)


def app_icon(size: int, maskable: bool) -> Image.Image:
    big = size * SUPER
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=RED)
        inset = big * 0.22  # the artwork stays well inside the 80 % safe circle
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=RED)
        inset = big * 0.16
    emblem(draw, (inset, inset, big - inset, big - inset))
    return img.resize((size, size), Image.LANCZOS)


def shortcut_icon(kind: str, size: int = 96) -> Image.Image:
    big = size * SUPER
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse([0, 0, big - 1, big - 1], fill=RED)
    u = big / 24
    if kind == "metro":  # front of a train
        draw.rounded_rectangle([6 * u, 4 * u, 18 * u, 17 * u], radius=3 * u, fill=WHITE)
        draw.rectangle([8 * u, 7 * u, 16 * u, 11 * u], fill=RED)
        for cx in (9 * u, 15 * u):
            draw.ellipse([cx - u, 13 * u, cx + u, 15 * u], fill=RED)
        draw.line([(8 * u, 17 * u), (6 * u, 20 * u)], fill=WHITE, width=int(1.5 * u))
        draw.line([(16 * u, 17 * u), (18 * u, 20 * u)], fill=WHITE, width=int(1.5 * u))
    else:  # speech bubble with an exclamation mark
        draw.rounded_rectangle([5 * u, 5 * u, 19 * u, 16 * u], radius=3 * u, fill=WHITE)
        draw.polygon([(8 * u, 15 * u), (8 * u, 20 * u), (12 * u, 15 * u)], fill=WHITE)
        draw.rectangle([11.1 * u, 7 * u, 12.9 * u, 12 * u], fill=RED)
        draw.ellipse([11.1 * u, 12.8 * u, 12.9 * u, 14.6 * u], fill=RED)
    return img.resize((size, size), Image.LANCZOS)


CARDS = [("Vé metro", "Mua vé, xem vé Tuyến số 1"), ("Gửi phản ánh", "Ổ gà, rác, đèn đường…"),
         ("Thủ tục hành chính", "Nộp và theo dõi hồ sơ"), ("Thông báo", "2 thông báo mới")]


def _card(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], title: str, sub: str, scale: float) -> None:
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=int(14 * scale), fill=WHITE, outline=LINE, width=max(1, int(2 * scale)))
    draw.rounded_rectangle([x0 + 16 * scale, y0 + 18 * scale, x0 + 64 * scale, y0 + 66 * scale],
                           radius=int(12 * scale), fill=(251, 233, 235))
    draw.text((x0 + 80 * scale, y0 + 18 * scale), title, font=font(int(22 * scale), True), fill=INK)
    draw.text((x0 + 80 * scale, y0 + 50 * scale), sub, font=font(int(16 * scale)), fill=MUTED)
    _ = x1, y1


def _header(img: Image.Image, height: int, scale: float) -> None:
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, img.width, height], fill=RED)
    logo = app_icon(int(40 * scale), maskable=False)
    img.paste(logo, (int(14 * scale), (height - logo.height) // 2), logo)
    draw.text((int(64 * scale), height // 2), "Công dân số TP.HCM", font=font(int(21 * scale), True),
              fill=WHITE, anchor="lm")


def narrow_screenshot() -> Image.Image:
    img = Image.new("RGB", (390, 844), (246, 247, 249))
    _header(img, 64, 1.0)
    draw = ImageDraw.Draw(img)
    draw.text((16, 84), "Xin chào, Nguyễn Văn An", font=font(22, True), fill=INK)
    draw.text((16, 116), "Một danh tính số, một chạm tới thành phố", font=font(15), fill=MUTED)
    for i, (title, sub) in enumerate(CARDS):
        top = 156 + i * 100
        _card(draw, (16, top, 374, top + 84), title, sub, 1.0)
    draw.rectangle([0, 772, 390, 844], fill=WHITE)
    draw.line([(0, 772), (390, 772)], fill=LINE, width=1)
    for i, label in enumerate(["Trang chủ", "Thủ tục", "Phản ánh", "Vé metro", "Tài khoản"]):
        cx = 39 + i * 78
        draw.ellipse([cx - 10, 784, cx + 10, 804], fill=RED if i == 0 else MUTED)
        draw.text((cx, 818), label, font=font(11, i == 0), fill=RED if i == 0 else MUTED, anchor="mm")
    return img


def wide_screenshot() -> Image.Image:
    img = Image.new("RGB", (1280, 800), (246, 247, 249))
    _header(img, 72, 1.2)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 72, 260, 800], fill=WHITE)
    draw.line([(260, 72), (260, 800)], fill=LINE, width=1)
    for i, label in enumerate(["Trang chủ", "Thủ tục", "Phản ánh", "Vé metro", "Ví", "Tài khoản"]):
        top = 96 + i * 56
        if i == 0:
            draw.rounded_rectangle([12, top, 248, top + 44], radius=8, fill=(251, 233, 235))
        draw.text((32, top + 22), label, font=font(18, i == 0), fill=RED_DARK if i == 0 else INK, anchor="lm")
    draw.text((300, 100), "Xin chào, Nguyễn Văn An", font=font(30, True), fill=INK)
    draw.text((300, 146), "Một danh tính số, một chạm tới thành phố", font=font(18), fill=MUTED)
    for i, (title, sub) in enumerate(CARDS):
        left, top = 300 + (i % 2) * 470, 200 + (i // 2) * 130
        _card(draw, (left, top, left + 450, top + 110), title, sub, 1.25)
    return img


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    outputs = {
        ICONS / "icon-192.png": app_icon(192, maskable=False),
        ICONS / "icon-512.png": app_icon(512, maskable=False),
        ICONS / "icon-512-maskable.png": app_icon(512, maskable=True),
        ICONS / "apple-touch-icon-180.png": app_icon(180, maskable=True).convert("RGB"),
        ICONS / "shortcut-metro-96.png": shortcut_icon("metro"),
        ICONS / "shortcut-feedback-96.png": shortcut_icon("feedback"),
        SHOTS / "narrow.png": narrow_screenshot(),
        SHOTS / "wide.png": wide_screenshot(),
    }
    for path, image in outputs.items():
        image.save(path, optimize=True)
        print(f"wrote {path.relative_to(ROOT)} {image.size[0]}x{image.size[1]}")


if __name__ == "__main__":
    main()
