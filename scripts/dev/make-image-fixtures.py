#!/usr/bin/env python3
"""Writes the small synthetic image fixtures used by FaceAuditImagingTests.

No faces, no data from ../shared: flat colour blocks and ramps whose decoded values the Swift tests
compute independently. Run once after changing it (needs `pip install pillow pypng`):

    python3 scripts/dev/make-image-fixtures.py Tests/FaceAuditImagingTests/Fixtures
"""
import io
import sys
from pathlib import Path

import png  # pypng: exact control over bit depth, palette, tRNS and interlacing
from PIL import Image

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
W, H = 6, 4


def ramp(x, y, c, maxval):
    """Deterministic sample value for pixel (x, y), channel c."""
    return ((x * 37 + y * 91 + c * 53) * 97) % (maxval + 1)


def write_png(name, rows, **kw):
    with open(out / name, "wb") as f:
        png.Writer(W, H, **kw).write(f, rows)


# 8-bit gray, 16-bit gray, 1-bit gray, gray+alpha, RGB 16-bit, RGBA 8-bit, palette with tRNS, interlaced RGB.
write_png("gray8.png", [[ramp(x, y, 0, 255) for x in range(W)] for y in range(H)], greyscale=True, bitdepth=8)
write_png("gray16.png", [[ramp(x, y, 0, 65535) for x in range(W)] for y in range(H)], greyscale=True, bitdepth=16)
write_png("gray1.png", [[(x + y) % 2 for x in range(W)] for y in range(H)], greyscale=True, bitdepth=1)
write_png("gray_alpha.png", [[v for x in range(W) for v in (ramp(x, y, 0, 255), ramp(x, y, 3, 255))] for y in range(H)],
          greyscale=True, alpha=True, bitdepth=8)
write_png("rgb16.png", [[ramp(x, y, c, 65535) for x in range(W) for c in range(3)] for y in range(H)],
          greyscale=False, bitdepth=16)
write_png("rgba8.png", [[ramp(x, y, c, 255) for x in range(W) for c in range(4)] for y in range(H)],
          greyscale=False, alpha=True, bitdepth=8)
palette = [(ramp(i, 0, 0, 255), ramp(i, 0, 1, 255), ramp(i, 0, 2, 255), 128 if i % 2 else 255) for i in range(8)]
write_png("palette_trns.png", [[(x + 2 * y) % 8 for x in range(W)] for y in range(H)], palette=palette, bitdepth=8)
write_png("interlaced_rgb8.png", [[ramp(x, y, c, 255) for x in range(W) for c in range(3)] for y in range(H)],
          greyscale=False, bitdepth=8, interlace=True)

# JPEG: 32×16 flat blocks of 16×16 so lossy coding keeps each block's centre near its colour.
BLOCKS = [(200, 40, 40), (40, 180, 60)]


def blocks_rgb():
    img = Image.new("RGB", (32, 16))
    for i, colour in enumerate(BLOCKS):
        img.paste(colour, (16 * i, 0, 16 * i + 16, 16))
    return img


blocks_rgb().save(out / "baseline.jpg", quality=95)
blocks_rgb().save(out / "progressive.jpg", quality=95, progressive=True)
blocks_rgb().convert("L").save(out / "gray.jpg", quality=95)
# CMYK: Pillow writes an Adobe APP14 marker and inverted samples, as Photoshop does.
cmyk = Image.new("CMYK", (32, 16))
cmyk.paste((0, 255, 255, 0), (0, 0, 16, 16))       # pure red
cmyk.paste((255, 0, 255, 64), (16, 0, 32, 16))     # green at 75% black
cmyk.save(out / "cmyk_adobe.jpg", quality=95)
exif = Image.Exif()
exif[0x0112] = 6
blocks_rgb().save(out / "orientation6.jpg", quality=95, exif=exif.tobytes())
# A PNG under a .jpg name: decoders go by content, not by name.
buf = io.BytesIO()
png.Writer(W, H, greyscale=True, bitdepth=8).write(buf, [[ramp(x, y, 0, 255) for x in range(W)] for y in range(H)])
(out / "png_named.jpg").write_bytes(buf.getvalue())
(out / "text_named.jpg").write_bytes(b"this is not an image, just text with a .jpg name\n")
