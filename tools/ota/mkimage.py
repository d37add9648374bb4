#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a small ESP-IDF app image (the format of include/esp_app_format.h) for OTA tests.

Layout: a 24-byte header (magic 0xE9), segments (8-byte header + data; the first segment's
data starts with the 256-byte app description, magic 0xABCD5432), 0xFF padding and the
checksum byte (0xEF XOR every data byte) ending on a 16-byte boundary, and the SHA-256 of
everything before it when hash_appended is 1. Segment data is a deterministic pattern, so the
same arguments always give the same bytes.

  mkimage.py OUT [--version V] [--project P] [--segments 64,256] [--no-hash]
               [--chip-id N] [--corrupt KIND]

--corrupt writes a bad image for the tests, one check broken per kind: magic, segments
(count 17), bounds (segment length beyond any 1 MB partition), align (length not a multiple
of 4), desc (app description magic), checksum, hash (appended SHA-256), truncate (last 100
bytes cut).
"""
import argparse
import hashlib
import struct
import sys

MAGIC = 0xE9
DESC_MAGIC = 0xABCD5432
CHECKSUM_SEED = 0xEF
LOAD_ADDRS = [0x3F400020, 0x40080000, 0x3FFB0000, 0x400D0020]


def app_desc(version, project):
    """The 256-byte esp_app_desc_t (fixed time and date so the output is reproducible)."""
    desc = struct.pack("<II8x", DESC_MAGIC, 0)
    desc += version.encode()[:31].ljust(32, b"\0")
    desc += project.encode()[:31].ljust(32, b"\0")
    desc += b"00:00:00".ljust(16, b"\0") + b"Jan  1 2026".ljust(16, b"\0")
    desc += b"v5.5.5".ljust(32, b"\0")
    desc += hashlib.sha256(project.encode() + version.encode()).digest()  # app_elf_sha256
    desc += struct.pack("<HHB3x", 0, 0xFFFF, 16)  # efuse revisions, mmu_page_size (64 KB)
    desc += b"\0" * (18 * 4)
    assert len(desc) == 256
    return desc


def pattern(index, length):
    return bytes((index * 31 + i * 7 + (i >> 8)) & 0xFF for i in range(length))


def header(segments, chip_id, hash_appended):
    # magic, segment_count, spi_mode (DIO), speed 0 | size 4MB << 4, entry, wp_pin 0xEE,
    # pin drive, chip_id, min_chip_rev, min/max full revisions, reserved, hash_appended
    return struct.pack("<BBBBIB3sHBHH4sB", MAGIC, segments, 2, 0x20, 0x40080400, 0xEE,
                       b"\0\0\0", chip_id, 0, 0, 0xFFFF, b"\0" * 4, hash_appended)


def build(args):
    sizes = [int(s, 0) for s in args.segments.split(",")]
    datas = [app_desc(args.version, args.project) + pattern(0, sizes[0])]
    datas += [pattern(i, n) for i, n in enumerate(sizes[1:], start=1)]
    count = len(datas)
    if args.corrupt == "segments":
        count = 17
    out = bytearray(header(count, args.chip_id, 0 if args.no_hash else 1))
    if args.corrupt == "magic":
        out[0] = 0xE8
    checksum = CHECKSUM_SEED
    for i, data in enumerate(datas):
        length = len(data)
        if args.corrupt == "bounds" and i == len(datas) - 1:
            length = 0x200000
        if args.corrupt == "align" and i == len(datas) - 1:
            length -= 2
        out += struct.pack("<II", LOAD_ADDRS[i % len(LOAD_ADDRS)], length)
        if args.corrupt == "desc" and i == 0:
            data = b"\x00" + data[1:]
        out += data
        for b in data:
            checksum ^= b
    out += b"\xff" * (15 - len(out) % 16)
    out.append(checksum ^ (0x01 if args.corrupt == "checksum" else 0))
    if not args.no_hash:
        digest = hashlib.sha256(bytes(out)).digest()
        if args.corrupt == "hash":
            digest = bytes([digest[0] ^ 0x80]) + digest[1:]
        out += digest
    if args.corrupt == "truncate":
        del out[-100:]
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--project", default="ota_reference")
    ap.add_argument("--segments", default="64,256", help="data bytes per segment (multiples of 4)")
    ap.add_argument("--no-hash", action="store_true", help="hash_appended = 0")
    ap.add_argument("--chip-id", type=lambda s: int(s, 0), default=0)
    ap.add_argument("--corrupt", choices=["magic", "segments", "bounds", "align", "desc",
                                          "checksum", "hash", "truncate"])
    args = ap.parse_args()
    image = build(args)
    with open(args.out, "wb") as f:
        f.write(image)
    print(f"{args.out}: {len(image)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
