#!/usr/bin/env python3
"""dm_client.py - talk to a running `dmemu serve` through its control socket.

Standard library only. Each request is one NETBSD_DM_IOCTL: the proplib dictionary is
written as libprop XML (unsigned numbers as 0x..., keys sorted), framed as

    request: u32 ioctl command, u32 length, the XML and its NUL   (big-endian)
    reply:   i32 errno, u32 length, the copied-out XML and its NUL

and the reply dictionary is read back. Like the NetBSD kernel, dmemu answers almost every
command with errno 0: whether it worked is in the reply (flags bit 0x4 DM_EXISTS_FLAG,
0x40 DM_INACTIVE_PRESENT_FLAG, the presence of `minor`), which is what this client checks.

usage:
    dm_client.py [--control PATH] version | targets | ls
    dm_client.py [--control PATH] create NAME [--uuid UUID]   < table   (create, load, resume)
    dm_client.py [--control PATH] reload NAME                 < table
    dm_client.py [--control PATH] resume|suspend|remove|info|table NAME

The control socket is --control PATH, else $DMEMU_CONTROL, else ./state/control.
A table is one target per line: START LENGTH TYPE [PARAMS...] (sectors of 512 bytes).
"""

import base64
import json
import os
import socket
import struct
import sys
import xml.etree.ElementTree as ET

NETBSD_DM_IOCTL = 0xC010FD00
DM_EXISTS_FLAG = 0x4
DM_STATUS_TABLE_FLAG = 0x10
DM_INACTIVE_PRESENT_FLAG = 0x40
PROG = "dm_client.py"


class U(int):
    """An unsigned proplib number (written 0x...); a plain int is signed (decimal)."""


# ---- libprop XML -------------------------------------------------------------------

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" '
          '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
          '<plist version="1.0">\n')


def _escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def _write(obj, depth, out):
    tabs = "\t" * depth
    if isinstance(obj, bool):
        out.append(tabs + ("<true/>" if obj else "<false/>") + "\n")
    elif isinstance(obj, U):
        out.append("%s<integer>0x%x</integer>\n" % (tabs, int(obj)))
    elif isinstance(obj, int):
        out.append("%s<integer>%d</integer>\n" % (tabs, obj))
    elif isinstance(obj, str):
        out.append(tabs + ("<string>%s</string>" % _escape(obj) if obj else "<string/>") + "\n")
    elif isinstance(obj, bytes):
        out.append("%s<data>%s</data>\n" % (tabs, base64.b64encode(obj).decode("ascii")))
    elif isinstance(obj, list):
        if not obj:
            out.append(tabs + "<array/>\n")
            return
        out.append(tabs + "<array>\n")
        for item in obj:
            _write(item, depth + 1, out)
        out.append(tabs + "</array>\n")
    elif isinstance(obj, dict):
        if not obj:
            out.append(tabs + "<dict/>\n")
            return
        out.append(tabs + "<dict>\n")
        for key in sorted(obj, key=lambda k: k.encode("utf-8")):
            out.append("%s\t<key>%s</key>\n" % (tabs, _escape(key)))
            _write(obj[key], depth + 1, out)
        out.append(tabs + "</dict>\n")
    else:
        raise TypeError("no proplib type for %r" % (obj,))


def externalize(d):
    out = [HEADER]
    _write(d, 0, out)
    out.append("</plist>\n")
    return "".join(out).encode("utf-8")


def _read(el):
    tag = el.tag
    if tag == "dict":
        children = list(el)
        return {children[i].text or "": _read(children[i + 1]) for i in range(0, len(children), 2)}
    if tag == "array":
        return [_read(c) for c in el]
    if tag == "string":
        return el.text or ""
    if tag == "integer":
        text = (el.text or "").strip()
        if text.lower().startswith("0x"):
            return U(int(text, 16))
        return int(text)
    if tag == "true":
        return True
    if tag == "false":
        return False
    if tag == "data":
        return base64.b64decode(el.text or "")
    raise ValueError("unexpected element <%s>" % tag)


def internalize(buf):
    text = buf.split(b"\0", 1)[0]
    root = ET.fromstring(text)
    if root.tag != "plist" or len(root) != 1:
        raise ValueError("not a plist")
    return _read(root[0])


# ---- transport -----------------------------------------------------------------------

class DmError(Exception):
    pass


def _recv_exactly(sock, n):
    chunks = []
    while n > 0:
        b = sock.recv(n)
        if not b:
            raise DmError("control socket closed the connection")
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def ioctl(control, request):
    """One NETBSD_DM_IOCTL: returns the reply dictionary; a non-zero errno raises DmError."""
    body = externalize(request) + b"\0"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        try:
            s.connect(control)
        except OSError as e:
            raise DmError("%s: %s" % (control, e.strerror))
        s.sendall(struct.pack(">II", NETBSD_DM_IOCTL, len(body)) + body)
        errno, length = struct.unpack(">iI", _recv_exactly(s, 8))
        data = _recv_exactly(s, length)
    if errno != 0:
        raise DmError("ioctl failed: errno %d (%s)" % (errno, os.strerror(errno)))
    return internalize(data)


def task(command, **keys):
    """A request as libdm builds it: command, version [4,0,0], then the given keys."""
    d = {"command": command, "version": [U(4), U(0), U(0)]}
    d.update(keys)
    return d


def parse_table(text):
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split(None, 3)
        if len(words) < 3:
            raise DmError("bad table line: %r" % line)
        entries.append({"start": U(int(words[0])), "length": U(int(words[1])), "type": words[2],
                        "params": words[3] if len(words) > 3 else ""})
    return entries


# ---- commands ------------------------------------------------------------------------

def _need_exists(reply, what):
    if not int(reply.get("flags", 0)) & DM_EXISTS_FLAG:
        raise DmError("%s: no such device" % what)


def cmd_version(control, args):
    r = ioctl(control, task("version"))
    print(".".join(str(int(v)) for v in r["version"]))


def cmd_targets(control, args):
    r = ioctl(control, task("targets"))
    for t in r.get("cmd_data", []):
        print("%s\t%s" % (t["name"], ".".join(str(int(v)) for v in t["ver"])))


def cmd_ls(control, args):
    r = ioctl(control, task("names"))
    for d in r.get("cmd_data", []):
        print("%s\t%d" % (d["name"], int(d["dev"])))


def _load(control, name, entries):
    r = ioctl(control, task("reload", name=name, flags=U(DM_EXISTS_FLAG), cmd_data=entries))
    _need_exists(r, "reload " + name)
    if not int(r.get("flags", 0)) & DM_INACTIVE_PRESENT_FLAG:
        raise DmError("reload %s: the kernel refused the table" % name)


def _simple(control, command, name, flags=DM_EXISTS_FLAG):
    r = ioctl(control, task(command, name=name, flags=U(flags)))
    _need_exists(r, "%s %s" % (command, name))
    return r


def cmd_create(control, args):
    name = args[0]
    keys = {"name": name, "flags": U(DM_EXISTS_FLAG)}
    if len(args) >= 3 and args[1] == "--uuid":
        keys["uuid"] = args[2]
    entries = parse_table(sys.stdin.read()) if not sys.stdin.isatty() else []
    r = ioctl(control, task("create", **keys))
    if "minor" not in r:
        raise DmError("create %s: a device with that name or uuid exists" % name)
    if entries:
        try:
            _load(control, name, entries)
        except DmError:
            ioctl(control, task("remove", name=name, flags=U(DM_EXISTS_FLAG)))
            raise
        _simple(control, "resume", name)


def cmd_reload(control, args):
    _load(control, args[0], parse_table(sys.stdin.read()))


def cmd_resume(control, args):
    _simple(control, "resume", args[0])


def cmd_suspend(control, args):
    _simple(control, "suspend", args[0], DM_EXISTS_FLAG | 0x2)


def cmd_remove(control, args):
    r = _simple(control, "remove", args[0])
    if args[0] in [d["name"] for d in ioctl(control, task("names")).get("cmd_data", [])]:
        raise DmError("remove %s: device busy" % args[0])
    return r


def cmd_info(control, args):
    r = _simple(control, "info", args[0])
    print(json.dumps({k: (int(v) if isinstance(v, int) else v) for k, v in r.items()
                      if k not in ("cmd_data", "version")}, sort_keys=True))


def cmd_table(control, args):
    r = _simple(control, "table", args[0], DM_EXISTS_FLAG | DM_STATUS_TABLE_FLAG)
    for e in r.get("cmd_data", []):
        print("%d %d %s %s" % (int(e["start"]), int(e["length"]), e["type"], e.get("params", "")))


COMMANDS = {"version": (cmd_version, 0), "targets": (cmd_targets, 0), "ls": (cmd_ls, 0),
            "create": (cmd_create, 1), "reload": (cmd_reload, 1), "resume": (cmd_resume, 1),
            "suspend": (cmd_suspend, 1), "remove": (cmd_remove, 1), "info": (cmd_info, 1),
            "table": (cmd_table, 1)}


def main(argv):
    control = os.environ.get("DMEMU_CONTROL") or "state/control"
    if len(argv) >= 2 and argv[0] == "--control":
        control, argv = argv[1], argv[2:]
    if not argv or argv[0] not in COMMANDS or len(argv) - 1 < COMMANDS[argv[0]][1]:
        sys.stderr.write(__doc__.split("usage:")[1].split("The control")[0].join(["usage:", ""]))
        return 64
    fn, _ = COMMANDS[argv[0]]
    try:
        fn(control, argv[1:])
    except DmError as e:
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
