"""Tiny writer for the golden corpus: libprop XML (proplib-xml.md §2) plus the replay line formats.

Nothing here models the kernel. Every expected reply in cases.py is written out explicitly by
hand from dm-driver.md and the NetBSD sources; this module only turns those hand-written
dictionaries into bytes (so that tabs, key order and number spelling are not typed by hand).
"""
import hashlib
import os


class U(int):
    """Unsigned proplib number (the kernel's set_uint32/set_uint64, libdm's add_uint32): 0x hex."""


class I(int):
    """Signed proplib number (set_int32, or a plain decimal in a request): decimal."""


HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" '
          '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
          '<plist version="1.0">\n')


def _esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def _emit(o, d):
    t = '\t'
    if isinstance(o, bool):
        return '<true/>' if o else '<false/>'
    if isinstance(o, U):
        return '<integer>0x%x</integer>' % int(o)
    if isinstance(o, I):
        return '<integer>%d</integer>' % int(o)
    if isinstance(o, int):
        raise TypeError('number without signedness: %r' % o)
    if isinstance(o, str):
        return '<string/>' if o == '' else '<string>%s</string>' % _esc(o)
    if isinstance(o, list):
        if not o:
            return '<array/>'
        body = ''.join(t * (d + 1) + _emit(e, d + 1) + '\n' for e in o)
        return '<array>\n' + body + t * d + '</array>'
    if isinstance(o, dict):
        if not o:
            return '<dict/>'
        body = ''
        for k in sorted(o, key=lambda k: k.encode('utf-8')):
            body += t * (d + 1) + '<key>' + _esc(k) + '</key>\n'
            body += t * (d + 1) + _emit(o[k], d + 1) + '\n'
        return '<dict>\n' + body + t * d + '</dict>'
    raise TypeError(type(o))


def plist(d):
    """The libprop externalization of dictionary d, without the NUL."""
    return HEADER + _emit(d, 0) + '\n</plist>\n'


def pattern(seed, n):
    """The replay write buffer: byte i = (SEED + i + 7*(i div 512)) mod 256."""
    return bytes((seed + i + 7 * (i // 512)) % 256 for i in range(n))


def sha(b):
    return hashlib.sha256(b).hexdigest()


ERRNO = {0: 'NONE', 2: 'ENOENT', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 16: 'EBUSY', 17: 'EEXIST',
         19: 'ENODEV', 22: 'EINVAL', 30: 'EROFS'}

V = [U(4), U(0), U(0)]     # what libdm sends
VK = [U(4), U(16), U(0)]   # what dm_check_version writes back (dm.h 1.56: 4.16.0)


def R(command, **kw):
    """A libdm-style request: command + version 4.0.0 + the given keys."""
    d = {'command': command, 'version': list(V)}
    d.update(kw)
    return d


def reply(req, **changes):
    """The request dictionary with version rewritten to 4.16.0 and the listed keys set
    (a value of None deletes the key)."""
    d = dict(req)
    d['version'] = list(VK)
    for k, v in changes.items():
        if v is None:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def echo(req):
    """The request unchanged (version check failed: nothing at all is rewritten)."""
    return dict(req)


def ent(start, length, typ, params=None, status=None):
    e = {'start': U(start), 'length': U(length), 'type': typ}
    if params is not None:
        e['params'] = params
    if status is not None:
        e['status'] = I(status)
    return e


class Case:
    def __init__(self, path, notes, args=()):
        self.path = path
        self.notes = notes
        self.args = list(args)
        self.inp = []
        self.out = []

    def io(self, req, rep):
        """One ioctl: req is a dict (written as libprop XML) or a raw document string;
        rep is the expected reply dict or an errno number (ioctl failure)."""
        doc = req if isinstance(req, str) else plist(req)
        self.inp.append(doc)
        if isinstance(rep, int):
            self.out.append('errno %d %s\n' % (rep, ERRNO[rep]))
        else:
            self.out.append(plist(rep))
        return self

    def comment(self, text):
        self.inp.append('# ' + text + '\n')
        return self

    def read(self, dev, blkno, bcount, error, resid, data=b''):
        """data: the expected buffer prefix; the rest of the buffer stays zero."""
        buf = data + bytes(bcount - len(data))
        assert len(buf) == bcount
        self.inp.append('%% read %s %d %d\n' % (dev, blkno, bcount))
        self.out.append('read %s %d %d error=%d resid=%d sha256=%s\n'
                        % (dev, blkno, bcount, error, resid, sha(buf)))
        return self

    def open_fail(self, op, dev, blkno, bcount, errno, seed=1):
        """A directive whose device node cannot be opened (replay prints 'open errno N NAME')."""
        if op == 'read':
            self.inp.append('%% read %s %d %d\n' % (dev, blkno, bcount))
        else:
            self.inp.append('%% write %s %d %d %d\n' % (dev, blkno, bcount, seed))
        self.out.append('%s %s %d %d open errno %d %s\n' % (op, dev, blkno, bcount, errno, ERRNO[errno]))
        return self

    def write(self, dev, blkno, bcount, seed, error, resid):
        self.inp.append('%% write %s %d %d %d\n' % (dev, blkno, bcount, seed))
        self.out.append('write %s %d %d error=%d resid=%d\n' % (dev, blkno, bcount, error, resid))
        return self

    def save(self, root):
        d = os.path.join(root, self.path)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'args'), 'w', newline='\n') as f:
            f.write(''.join(a + '\n' for a in self.args))
        with open(os.path.join(d, 'input'), 'w', newline='\n', encoding='utf-8') as f:
            f.write('\n'.join(self.inp))
        with open(os.path.join(d, 'expected'), 'w', newline='\n', encoding='utf-8') as f:
            f.write(''.join(self.out))
        with open(os.path.join(d, 'NOTES'), 'w', newline='\n') as f:
            f.write(self.notes.strip() + '\n')
