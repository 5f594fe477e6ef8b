#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""images/qmp.py: the host's hands on the appliance VM, through QMP only.

  qmp.py SOCK screendump OUT.ppm       the guest's display, as QEMU sees it
  qmp.py SOCK touch X Y [W H]          a finger down and up at screen pixel X,Y
                                       (usb-tablet; screen W x H, default
                                       1280 x 800)
  qmp.py SOCK hold X Y SECONDS         a finger held down that long (the staff
                                       corner)
  qmp.py SOCK quit                     the power cut: QEMU exits, no flush
  qmp.py SOCK wr-bytes DRIVE           bytes the guest has written to a drive
                                       (query-blockstats; DRIVE as -drive id=)
  qmp.py SOCK set-link NETDEV on|off   the network cable in or out
  qmp.py type SERIAL LINE              LINE and a carriage return typed on the
                                       serial console (the chardev socket
                                       SERIAL; not QMP: the engineer's root
                                       shell, logged in by agetty)
  qmp.py compare SHOT REF TOL MAX_RATIO [X0 Y0 X1 Y1]
                                       (each a PPM or a PNG; the rectangle
                                       alone when given)
                                       pixels whose channels differ by more
                                       than TOL, as a fraction: exit 0 when
                                       at most MAX_RATIO, 1 otherwise (the
                                       same measure as ui_png_compare)

Exit 0 on success, 1 with one line on stderr otherwise.  Only the standard
library: json over a unix socket, PPM as QEMU writes it, PNG (8-bit RGB or
RGBA, not interlaced) as the UI's screenshot tests store it.
"""
import json
import socket
import struct
import sys
import time
import zlib


def fail(msg):
    print("qmp.py: " + msg, file=sys.stderr)
    sys.exit(1)


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rwb")
        self.read()  # greeting
        self.cmd("qmp_capabilities")

    def read(self):
        while True:
            line = self.f.readline()
            if not line:
                fail("QMP: connection closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, command, **args):
        self.f.write(json.dumps({"execute": command, "arguments": args}).encode() + b"\n")
        self.f.flush()
        if command == "quit":  # wait for QEMU to take it: it closes the socket
            try:
                while self.f.readline():
                    pass
            except OSError:
                pass
            return None
        r = self.read()
        if "error" in r:
            fail("%s: %s" % (command, r["error"].get("desc", r["error"])))
        return r.get("return")


def touch(q, x, y, w, h, held=0.3):
    # usb-tablet: QMP's 0..32767 reaches the guest's evdev unchanged; the
    # QEMU image's udev rule makes the tablet a touchscreen, whose range
    # SDL scales to the screen.  The finger stays down a moment: a press
    # and release inside one USB poll of a slow (TCG) guest can be lost.
    if not (0 <= x < w and 0 <= y < h):
        fail("touch %d,%d is off the %dx%d screen" % (x, y, w, h))
    ax = {"type": "abs", "data": {"axis": "x", "value": x * 32767 // (w - 1)}}
    ay = {"type": "abs", "data": {"axis": "y", "value": y * 32767 // (h - 1)}}
    q.cmd("input-send-event", events=[ax, ay])
    time.sleep(0.2)
    q.cmd("input-send-event", events=[{"type": "btn", "data": {"down": True, "button": "left"}}])
    time.sleep(held)
    q.cmd("input-send-event", events=[{"type": "btn", "data": {"down": False, "button": "left"}}])


def read_ppm(path):
    d = open(path, "rb").read()
    parts, at = [], 0
    while len(parts) < 4:  # P6 W H MAX, with whitespace and comments
        while d[at:at + 1].isspace():
            at += 1
        if d[at:at + 1] == b"#":
            at = d.index(b"\n", at)
            continue
        end = at
        while not d[end:end + 1].isspace():
            end += 1
        parts.append(d[at:end])
        at = end
    if parts[0] != b"P6" or parts[3] != b"255":
        fail(path + ": not an 8-bit P6 PPM")
    w, h = int(parts[1]), int(parts[2])
    return w, h, d[at + 1:at + 1 + w * h * 3]


def read_png(path):
    d = open(path, "rb").read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path + ": not a PNG")
    at, idat, hdr = 8, b"", None
    while at < len(d):
        n, kind = struct.unpack(">I4s", d[at:at + 8])
        body = d[at + 8:at + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail(path + ": only 8-bit RGB/RGBA PNGs, not interlaced")
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if bpp == 4:
            line = bytearray(v for j, v in enumerate(line) if j % 4 != 3)
        out += line
    return w, h, bytes(out)


def read_image(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return read_ppm(path) if magic == b"P6" else read_png(path)


def compare(shot, ref, tol, max_ratio, rect=None):
    w1, h1, a = read_image(shot)
    w2, h2, b = read_image(ref)
    if (w1, h1) != (w2, h2):
        print("%s is %dx%d, %s is %dx%d" % (shot, w1, h1, ref, w2, h2))
        return 1
    x0, y0, x1, y1 = rect if rect else (0, 0, w1, h1)
    bad = 0
    for y in range(y0, y1):
        for i in range((y * w1 + x0) * 3, (y * w1 + x1) * 3, 3):
            if (abs(a[i] - b[i]) > tol or abs(a[i + 1] - b[i + 1]) > tol or
                    abs(a[i + 2] - b[i + 2]) > tol):
                bad += 1
    ratio = bad / ((x1 - x0) * (y1 - y0))
    print("%.4f" % ratio)
    return 0 if ratio <= max_ratio else 1


def main(argv):
    if len(argv) in (6, 10) and argv[1] == "compare":
        rect = tuple(int(v) for v in argv[6:10]) if len(argv) == 10 else None
        return compare(argv[2], argv[3], int(argv[4]), float(argv[5]), rect)
    if len(argv) == 4 and argv[1] == "type":
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(argv[2])
            # a character at a time: the guest's UART has a small FIFO
            for c in (argv[3] + "\r").encode():
                s.sendall(bytes([c]))
                time.sleep(0.01)
            time.sleep(0.5)
            s.close()
        except OSError as e:
            fail("%s: %s" % (argv[2], e.strerror))
        return 0
    if len(argv) < 3:
        fail("usage: qmp.py SOCK screendump|touch|quit|wr-bytes|set-link ... | compare ... | type ...")
    try:
        q = Qmp(argv[1])
    except OSError as e:
        fail("%s: %s" % (argv[1], e.strerror))
    if argv[2] == "screendump" and len(argv) == 4:
        q.cmd("screendump", filename=argv[3])
    elif argv[2] == "touch" and len(argv) in (5, 7):
        w, h = (int(argv[5]), int(argv[6])) if len(argv) == 7 else (1280, 800)
        touch(q, int(argv[3]), int(argv[4]), w, h)
    elif argv[2] == "hold" and len(argv) == 6:
        touch(q, int(argv[3]), int(argv[4]), 1280, 800, float(argv[5]))
    elif argv[2] == "quit":
        q.cmd("quit")
    elif argv[2] == "wr-bytes" and len(argv) == 4:
        for dev in q.cmd("query-blockstats"):
            if argv[3] in (dev.get("device"), dev.get("qdev")):
                print(dev["stats"]["wr_bytes"])
                return 0
        fail("no drive " + argv[3])
    elif argv[2] == "set-link" and len(argv) == 5 and argv[4] in ("on", "off"):
        q.cmd("set_link", name=argv[3], up=argv[4] == "on")
    else:
        fail("unknown command " + " ".join(argv[2:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
