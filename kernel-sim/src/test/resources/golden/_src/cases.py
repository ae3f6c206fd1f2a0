"""The golden cases, written by hand from dm-driver.md / userland.md §5 / proplib-xml.md and the
NetBSD sources (see ../README.md). Every expected reply below is spelled out explicitly: the
request dictionary plus the keys the kernel handler sets, as read from the spec section named in
the case's NOTES. Run `python3 cases.py` from this directory to rewrite the case directories.
"""
import os
import sys

from golden import U, I, V, VK, R, reply, echo, ent, Case, pattern, plist

# Physical disks (amd64: wd block major 0, MAXPARTITIONS 16, RAW_PART 3 = 'd').
# wd1d = makedev(0, 1*16+3) = 19 = 0x13, udev_name "0:19"; wd0d = makedev(0, 3) = 3, "0:3".
WD1D, DT1, UD1 = '/dev/wd1d', U(0x13), '0:19'
WD0D, DT0, UD0 = '/dev/wd0d', U(0x3), '0:3'
RWD1D, RWD0D = '/dev/rwd1d', '/dev/rwd0d'

CASES = []


def case(path, notes, args=()):
    c = Case(path, notes, args)
    CASES.append(c)
    return c


def mapper(name):
    return '/dev/mapper/' + name


# ---- setup helpers: each emits one ioctl with its hand-derived reply -------------------------

def create(c, name, minor, **kw):
    """dm_dev_create_ioctl success (dm-driver §3.3): minor set, flags |= 0x4, &= ~0x40."""
    req = R('create', name=name, **kw)
    f = int(kw.get('flags', 0))
    c.io(req, reply(req, minor=U(minor), flags=U((f | 0x4) & ~0x40)))


def reload(c, name, minor, entries):
    """dm_table_load_ioctl success (§3.12 step 5): minor set, flags |= 0x40."""
    req = R('reload', name=name, cmd_data=entries)
    c.io(req, reply(req, minor=U(minor), flags=U(0x40)))


def resume(c, name, minor):
    """dm_dev_resume_ioctl (§3.7): open_count 0, flags = request flags | 0x4, minor."""
    req = R('resume', name=name)
    c.io(req, reply(req, open_count=U(0), flags=U(0x4), minor=U(minor)))


def device(c, name, minor, entries):
    create(c, name, minor)
    reload(c, name, minor, entries)
    resume(c, name, minor)


def names(c, devs, **kw):
    req = R('names', **kw)
    c.io(req, reply(req, cmd_data=[{'dev': U(m), 'name': n} for n, m in devs]))


def info(c, name, minor, flags_out, targets, uuid='', **kw):
    req = R('info', name=name, **kw)
    c.io(req, reply(req, open_count=U(0), minor=U(minor), uuid=uuid,
                    flags=U(flags_out), target_count=U(targets)))


def info_missing(c, name, flags_out=0, **kw):
    req = R('info', name=name, **kw)
    c.io(req, reply(req, flags=U(flags_out)))


def table(c, name, minor, flags_out, entries, flags_in=0x10):
    req = R('table', name=name, flags=U(flags_in))
    c.io(req, reply(req, minor=U(minor), flags=U(flags_out), cmd_data=entries))


# ============================ version =========================================================

c = case('version/dmctl', """
C-V1 (userland.md §5.1). dm_check_version (dm-driver §2.3) accepts 4.0.0 and rewrites the
array in place with unsigned 4, 16, 0; the version command has no handler (§2.1). Bytes equal the
worked example of proplib-xml.md §2.5 minus cmd_data/flags.""")
c.io(R('version'), reply(R('version')))

c = case('version/lvm', """
L-VER (userland.md §5.2): cmd_data [] and flags 0x4 are echoed untouched (reply is the request
dictionary mutated, dm-driver §1.5); only version changes. proplib-xml.md §2.5 gives the exact
reply bytes (sha256 2341c3a6…).""")
req = R('version', cmd_data=[], flags=U(0))
c.io(req, reply(req))
req = R('version', cmd_data=[], flags=U(4))
c.io(req, reply(req))

c = case('version/major_mismatch', """
dm-driver §2.3: accepted iff major == 4 and minor <= 16. Rejected → H-ERR EIO, the handler
is not run and the dictionary is copied out untouched (§1.3): ioctl returns 0, reply == request.""")
req = R('version', version=[U(5), U(0), U(0)])
c.io(req, echo(req))
req = R('version', version=[U(3), U(16), U(0)])
c.io(req, echo(req))
req = R('names', version=[U(5), U(0), U(0)])
c.io(req, echo(req))

c = case('version/minor_too_new', """
dm-driver §2.3: 4.17.0 rejected (minor > 16) → request echoed; 4.16.7 accepted (patch level
ignored) and rewritten to 4.16.0; 4.1.0 accepted.""")
req = R('version', version=[U(4), U(17), U(0)])
c.io(req, echo(req))
req = R('version', version=[U(4), U(16), U(7)])
c.io(req, reply(req))
req = R('version', version=[U(4), U(1), U(0)])
c.io(req, reply(req))

c = case('version/signed_request', """
proplib-xml.md §3.6/§5.1: decimal request numbers are signed and get_uint32 accepts them;
dm_check_version replaces the elements with unsigned numbers (hex), while flags, never
rewritten by the version command, keeps its signed decimal spelling (§2.5 last paragraph).""")
req = R('version', version=[I(4), I(0), I(0)], flags=I(0))
c.io(req, reply(req))

c = case('version/missing_or_empty', """
dm-driver §2.3 emulator rule: a missing version array, or missing elements, count as 0 →
major 0 → EIO, request echoed (the real kernel reads uninitialised stack values here).""")
req = {'command': 'version'}
c.io(req, echo(req))
req = R('version', version=[])
c.io(req, echo(req))
req = R('names', version=[])
c.io(req, echo(req))

c = case('version/short_array', """
dm-driver §2.3 emulator rule: [4] and [4, n<=16] pass (missing elements count as 0); the kernel's
set at index == count appends (proplib-xml.md §1.4), so the reply array has 3 elements.""")
req = R('version', version=[U(4)])
c.io(req, reply(req))
req = R('version', version=[U(4), U(3)])
c.io(req, reply(req))

c = case('version/extra_elements', """
dm-driver §2.3: elements beyond index 2 are left as they are.""")
req = R('version', version=[U(4), U(0), U(0), U(7)])
c.io(req, reply(req, version=[U(4), U(16), U(0), U(7)]))

c = case('version/non_numeric_element', """
dm-driver §2.3 emulator rule: a non-numeric element counts as 0. [4, "x", 0] → 4.0.0 → accepted;
prop_array_set_uint32 then replaces the string at index 1 with unsigned 16.
A non-numeric major ("4") counts as 0 → rejected, echoed.""")
req = R('version', version=[U(4), 'x', U(0)])
c.io(req, reply(req))
req = R('version', version=['4', U(0), U(0)])
c.io(req, echo(req))

# ============================ targets =========================================================

TARGETS = [{'name': 'linear', 'ver': [U(1), U(0), U(2)]},
           {'name': 'striped', 'ver': [U(1), U(0), U(3)]},
           {'name': 'error', 'ver': [U(1), U(0), U(0)]},
           {'name': 'zero', 'ver': [U(1), U(0), U(0)]}]

c = case('targets/dmctl', """
C-V2; dm-driver §3.2 and §7.0: cmd_data = one {name, ver[3 u32]} per builtin target in
registration order linear 1.0.2, striped 1.0.3, error 1.0.0, zero 1.0.0 ([I] in the spec).""")
req = R('targets')
c.io(req, reply(req, cmd_data=TARGETS))

c = case('targets/lvm', """
L-TGT: the client's empty cmd_data is replaced, flags (read for debug only) echoed.""")
req = R('targets', cmd_data=[], flags=U(4))
c.io(req, reply(req, cmd_data=TARGETS))

# ============================ create ==========================================================

c = case('create/dmctl', """
C-CR (userland §5.1), dm-driver §3.3: reply gains minor u32 1 (first device) and flags
(absent → 0) | 0x4 & ~0x40 = 0x4. names (§3.5) then lists {dev 1, name test0}.""")
create(c, 'test0', 1)
names(c, [('test0', 1)])

c = case('create/lvm_uuid', """
L-CRU then L-INFU: create with uuid; the uuid is stored and a uuid-only info lookup
(dm-driver §3.0 step 3) finds the device and reports uuid/minor; flags 0x4 stays (info never
clears EXISTS on success, §3.4 step 6); no table → 0x20/0x40 cleared, target_count 0.""")
create(c, 'vol0', 1, cmd_data=[], flags=U(4), uuid='UU1')
req = R('info', cmd_data=[], flags=U(4), uuid='UU1')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='UU1', flags=U(4), target_count=U(0)))

c = case('create/duplicate_name', """
dm-driver §3.3 step 1: lookup by name finds test0 → flags |= 0x4, H-ERR EEXIST, no minor key, no
minor consumed (the counter is incremented only after the lookup), so test1 gets minor 2.
The ioctl still succeeds (§1.3).""")
create(c, 'test0', 1)
req = R('create', name='test0')
c.io(req, reply(req, flags=U(4)))
create(c, 'test1', 2)
names(c, [('test0', 1), ('test1', 2)])

c = case('create/duplicate_uuid', """
dm-driver §3.0/§3.3: the create lookup falls through from name (no device b) to uuid UU1,
which device a has → EEXIST, flags |= 0x4. Only a is listed.""")
create(c, 'a', 1, uuid='UU1')
req = R('create', name='b', uuid='UU1')
c.io(req, reply(req, flags=U(4)))
names(c, [('a', 1)])

c = case('create/readonly_flag', """
dm-driver §3.3 step 5: READONLY (0x1) is stored in the device flags; reply flags 0x1|0x4.
§3.6: suspend reply flags = device flags (0x1|0x2) | 0x4 = 0x7 (request flags discarded).""")
create(c, 'ro', 1, flags=U(1))
req = R('suspend', name='ro', flags=U(2))
c.io(req, reply(req, open_count=U(0), flags=U(0x7), minor=U(1)))

c = case('create/flags_and_minor_ignored', """
dm-driver §3.3: request flags bits pass through (|0x4, &~0x40): 0x1c48 → 0x1c0c; the requested
minor (L-CRM, persistent flag 0x8) is ignored and overwritten with the allocated minor 1.""")
req = R('create', name='vol0', flags=U(0x1c48), minor=U(7))
c.io(req, reply(req, flags=U(0x1c0c), minor=U(1)))
names(c, [('vol0', 1)])

c = case('create/unnamed', """
dm-driver §3.3 step 3 / §4.3: missing name → "" allowed; empty names never match a lookup and
are not checked at insert, so two unnamed devices coexist (minors 1 and 2).""")
req = {'command': 'create', 'version': list(V)}
c.io(req, reply(req, flags=U(4), minor=U(1)))
c.io(req, reply(req, flags=U(4), minor=U(2)))
names(c, [('', 1), ('', 2)])

N130 = 'n' * 120 + '0123456789'
N127 = N130[:127]

c = case('create/name_truncated', """
dm-driver §3.3 step 3: name copied with strlcpy into 128 bytes → 127 chars kept. names shows the
127-char name; info by that name finds minor 1; info by the full 130-char name fails (lookup
compares exact strings, §3.0) → flags &= ~0x4 written as 0x0.""")
create(c, N130, 1)
names(c, [(N127, 1)])
info(c, N127, 1, 0, 0)
info_missing(c, N130)

c = case('create/insert_clash_consumes_minor', """
dm-driver §3.3 step 8 / §10 quirk 10: creating N127+"xyz" when N127 exists: the lookup (full
130-char name) misses, minor 2 is allocated and put in the reply, the truncated name clashes at
insert → EEXIST, flags |= 0x4; the minor is consumed, so the next create gets minor 3.""")
create(c, N127, 1)
req = R('create', name=N127 + 'xyz')
c.io(req, reply(req, flags=U(4), minor=U(2)))
create(c, 'other', 3)
names(c, [(N127, 1), ('other', 3)])

U130 = 'u' * 100 + 'abcdefghijklmnopqrstuvwxyz0123'
U128 = 'w' * 128

c = case('create/uuid_lengths', """
dm-driver §3.3 step 3: uuid copied with a bounded copy of 129 bytes: a 128-char uuid is stored
exactly; a 130-char uuid keeps its first 129 chars (emulator rule). info reports the stored uuid.
Lookup by the full 130-char uuid then fails (exact compare), by the 129-char prefix succeeds.""")
create(c, 'a', 1, uuid=U128)
create(c, 'b', 2, uuid=U130)
info(c, 'a', 1, 0, 0, uuid=U128)
info(c, 'b', 2, 0, 0, uuid=U130[:129])
req = R('info', uuid=U130)
c.io(req, reply(req, flags=U(0)))
req = R('info', uuid=U130[:129])
c.io(req, reply(req, open_count=U(0), minor=U(2), uuid=U130[:129], flags=U(0),
                target_count=U(0)))

c = case('create/empty_uuid_no_clash', """
dm-driver §3.0/§4.3: empty uuids never match, so two devices with uuid "" can be created.""")
create(c, 'a', 1, uuid='')
create(c, 'b', 2, uuid='')
names(c, [('a', 1), ('b', 2)])

c = case('create/minor_not_reused', """
dm-driver §4.2: the minor counter never decreases: create a (1), remove a, create b → minor 2;
create a again → minor 3.""")
create(c, 'a', 1)
req = R('remove', name='a')
c.io(req, reply(req))
create(c, 'b', 2)
create(c, 'a', 3)
names(c, [('b', 2), ('a', 3)])

c = case('create/signed_flags_rewritten', """
proplib-xml.md §5.1/§5.5: a signed decimal flags value is read by get_uint32; DM_ADD_FLAG writes
it back with set_uint32, so the reply spells it in hex.""")
req = R('create', name='s', flags=I(4))
c.io(req, reply(req, flags=U(4), minor=U(1)))

# ============================ info / mknodes ==================================================

LIN1 = [ent(0, 0x5000, 'linear', WD1D + ' 0')]

c = case('info/dmctl_fresh', """
C-IN on a device without tables (dm-driver §3.4): open_count 0, minor, uuid "", flags: absent → 0,
ACTIVE and INACTIVE cleared → written as 0x0; target_count 0; name and EXISTS untouched.""")
create(c, 'test0', 1)
info(c, 'test0', 1, 0, 0)

c = case('info/active', """
dm-driver §3.4 step 4: one active entry → flags |= 0x20, target_count 1. With L-INF (flags 0x4)
the EXISTS bit the client sent stays: 0x24. userland §2.5 shows dmctl printing 32.""")
device(c, 'test0', 1, LIN1)
info(c, 'test0', 1, 0x20, 1)
info(c, 'test0', 1, 0x24, 1, cmd_data=[], flags=U(4))

c = case('info/inactive_only', """
dm-driver §3.4 step 5: a loaded, not resumed table → flags 0x40, target_count 0 (active empty).""")
create(c, 'test0', 1)
reload(c, 'test0', 1, LIN1)
info(c, 'test0', 1, 0x40, 0)

c = case('info/suspended', """
dm-driver §3.4 step 3: device SUSPEND → reply flags |= 0x2; with the active table: 0x22.
userland §2.5 shows dmctl printing 34.""")
device(c, 'test0', 1, LIN1)
req = R('suspend', name='test0', flags=U(2))
c.io(req, reply(req, open_count=U(0), flags=U(0x26), minor=U(1)))
info(c, 'test0', 1, 0x22, 1)

c = case('info/not_found', """
dm-driver §3.0 lookup failure: flags := request flags & ~0x4, written as u32 (0x0 when absent);
nothing else added. 0x26 → 0x22.""")
info_missing(c, 'nosuch')
req = R('info', cmd_data=[], flags=U(4), name='nosuch')
c.io(req, reply(req, flags=U(0)))
req = R('info', name='nosuch', flags=U(0x26))
c.io(req, reply(req, flags=U(0x22)))

c = case('info/by_minor', """
L-INFM (dm-driver §3.0 step 1): minor 1 found; reply minor, uuid, open_count, target_count;
flags 0xc | 0x20. No name is added to the reply.""")
device(c, 'vol0', 1, LIN1)
req = R('info', cmd_data=[], flags=U(0xc), minor=U(1))
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='', flags=U(0x2c), target_count=U(1)))

c = case('info/lookup_precedence', """
dm-driver §3.0: minor > 0 wins over name ({minor 2, name a} → b); an unknown minor falls
through to the name ({minor 9, name a} → a, reply minor overwritten with 1); a negative signed
minor fails get_uint32 → 0 (emulator rule) → name b; a name that misses falls through to uuid.""")
create(c, 'a', 1, uuid='UA')
create(c, 'b', 2, uuid='UB')
req = R('info', name='a', minor=U(2))
c.io(req, reply(req, open_count=U(0), minor=U(2), uuid='UB', flags=U(0), target_count=U(0)))
req = R('info', name='a', minor=U(9))
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='UA', flags=U(0), target_count=U(0)))
req = R('info', name='b', minor=I(-1))
c.io(req, reply(req, open_count=U(0), minor=U(2), uuid='UB', flags=U(0), target_count=U(0)))
req = R('info', name='zz', uuid='UA')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='UA', flags=U(0), target_count=U(0)))
req = R('info', minor=I(2))
c.io(req, reply(req, open_count=U(0), minor=U(2), uuid='UB', flags=U(0), target_count=U(0)))

c = case('info/client_bits_kept', """
dm-driver §3.4: SUSPEND is only ever added (a 0x2 sent for a non-suspended device stays);
0x1000 (L-INFI) is ignored by info; unknown bits pass through. 0x1002|0x4 → 0x1006|0x20.""")
device(c, 'vol0', 1, LIN1)
req = R('info', name='vol0', flags=U(0x1006))
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='', flags=U(0x1026), target_count=U(1)))
req = R('info', cmd_data=[], flags=U(0x1004), name='vol0')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='', flags=U(0x1024), target_count=U(1)))

c = case('mknodes/lvm', """
L-MKN: mknodes runs the info handler (dm-driver §2.1, §3.4). Not found → flags 0x4 cleared.""")
device(c, 'vol0', 1, LIN1)
req = R('mknodes', cmd_data=[], flags=U(4), name='vol0')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='', flags=U(0x24), target_count=U(1)))
req = R('mknodes', cmd_data=[], flags=U(4), name='nosuch')
c.io(req, reply(req, flags=U(0)))

# ============================ names ===========================================================

c = case('names/empty', """
dm-driver §3.5: no devices → cmd_data = empty array (added when absent, replacing L-LS's []).""")
names(c, [])
names(c, [], cmd_data=[], flags=U(4))

c = case('names/order', """
dm-driver §3.5/§3.8: list order = creation order; a renamed device moves to the tail; a removed
device disappears; dev is the minor number.""")
create(c, 'a', 1)
create(c, 'b', 2)
create(c, 'c', 3)
names(c, [('a', 1), ('b', 2), ('c', 3)])
req = R('rename', name='a', cmd_data=['d'])
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid=''))
names(c, [('b', 2), ('c', 3), ('d', 1)])
req = R('remove', name='c')
c.io(req, reply(req))
names(c, [('b', 2), ('d', 1)])

# ============================ suspend =========================================================

c = case('suspend/dmctl', """
C-SU, dm-driver §3.6: reply flags = device flags (ACTIVE 0x20 after resume | SUSPEND 0x2) | 0x4
= 0x26; open_count 0; minor 1.""")
device(c, 'test0', 1, LIN1)
req = R('suspend', flags=U(2), name='test0')
c.io(req, reply(req, open_count=U(0), flags=U(0x26), minor=U(1)))

c = case('suspend/fresh_and_inactive', """
dm-driver §3.6: a fresh device (flags 0): L-SUS reply 0x2|0x4 = 0x6. After a reload the device
flag word has 0x40: 0x46. Suspending again is not an error.""")
create(c, 'vol0', 1)
req = R('suspend', cmd_data=[], flags=U(6), name='vol0')
c.io(req, reply(req, open_count=U(0), flags=U(0x6), minor=U(1)))
reload(c, 'vol0', 1, LIN1)
c.io(req, reply(req, open_count=U(0), flags=U(0x46), minor=U(1)))
c.io(req, reply(req, open_count=U(0), flags=U(0x46), minor=U(1)))

c = case('suspend/request_flags_discarded', """
L-SUSNF / L-LVSU (dm-driver §3.6 step 3): request flags are replaced by the device flag word:
0xc06 → 0x26, 0x40e by minor → 0x26.""")
device(c, 'vol0', 1, LIN1)
req = R('suspend', cmd_data=[], flags=U(0xc06), name='vol0')
c.io(req, reply(req, open_count=U(0), flags=U(0x26), minor=U(1)))
req = R('suspend', cmd_data=[], flags=U(0x40e), minor=U(1))
c.io(req, reply(req, open_count=U(0), flags=U(0x26), minor=U(1)))

c = case('suspend/not_found', """
dm-driver §3.0: lookup failure → flags &= ~0x4: 0x2 → 0x2, 0x6 → 0x2.""")
req = R('suspend', flags=U(2), name='nosuch')
c.io(req, reply(req, flags=U(2)))
req = R('suspend', cmd_data=[], flags=U(6), name='nosuch')
c.io(req, reply(req, flags=U(2)))

c = case('suspend/io_continues', """
dm-driver §3.6 step 2 / §9 / quirk 3: suspend is a flag only; I/O on the active table proceeds.
Linear at wd1d sector 400: a write through the suspended device lands on the disk.""")
device(c, 'sus', 1, [ent(0, 64, 'linear', WD1D + ' 400')])
req = R('suspend', flags=U(2), name='sus')
c.io(req, reply(req, open_count=U(0), flags=U(0x26), minor=U(1)))
c.write(mapper('sus'), 0, 1024, 8, 0, 0)
c.read(RWD1D, 400, 1024, 0, 0, pattern(8, 1024))
c.read(mapper('sus'), 0, 1024, 0, 0, pattern(8, 1024))

# ============================ resume ==========================================================

c = case('resume/dmctl', """
C-RS, dm-driver §3.7: reply flags = request flags (absent → 0) | 0x4, open_count 0, minor. The
loaded table becomes active: info shows 0x20 and one target.""")
create(c, 'test0', 1)
reload(c, 'test0', 1, LIN1)
resume(c, 'test0', 1)
info(c, 'test0', 1, 0x20, 1)

c = case('resume/request_flags', """
dm-driver §3.7 step 4: reply flags := request flags | 0x4 (not the device flags): 0x2 → 0x6,
L-LVRS 0xc by minor and name → 0xc.""")
device(c, 'vol0', 1, LIN1)
req = R('resume', flags=U(2), name='vol0')
c.io(req, reply(req, open_count=U(0), flags=U(0x6), minor=U(1)))
req = R('resume', cmd_data=[], flags=U(0xc), minor=U(1), name='vol0')
c.io(req, reply(req, open_count=U(0), flags=U(0xc), minor=U(1)))

c = case('resume/without_reload_drops_mapping', """
dm-driver §3.7 step 3 / quirk 4: resume without a loaded table activates the empty inactive slot
and destroys the old table. table: no entries, flags 0x10 (0x20 cleared, no inactive → 0x40
cleared). I/O at 0 → EOF (§8.3, size 0). suspend still reports device flag 0x20 (set by resume,
never cleared): 0x26.""")
device(c, 'vol0', 1, [ent(0, 64, 'linear', WD1D + ' 400')])
req = R('suspend', flags=U(2), name='vol0')
c.io(req, reply(req, open_count=U(0), flags=U(0x26), minor=U(1)))
resume(c, 'vol0', 1)
table(c, 'vol0', 1, 0x10, [])
info(c, 'vol0', 1, 0, 0)
c.read(mapper('vol0'), 0, 512, 0, 512)
c.io(req, reply(req, open_count=U(0), flags=U(0x26), minor=U(1)))

c = case('resume/not_found', """
dm-driver §3.0: lookup failure → flags &= ~0x4 (0x4 → 0x0; absent → 0x0).""")
req = R('resume', name='nosuch')
c.io(req, reply(req, flags=U(0)))
req = R('resume', cmd_data=[], flags=U(4), name='nosuch')
c.io(req, reply(req, flags=U(0)))

c = case('resume/status_index_toggles', """
dm-driver §3.13 step 6 / quirk 5: entry status = the table head's active index: 0 → 1 at the first
resume, back to 0 at the second; the inactive table reports the same value.""")
device(c, 'vol0', 1, LIN1)
table(c, 'vol0', 1, 0x30, [ent(0, 0x5000, 'linear', UD1 + ' 0', 1)])
reload(c, 'vol0', 1, [ent(0, 100, 'zero', '')])
table(c, 'vol0', 1, 0x1030, [ent(0, 100, 'zero', '', 1)], flags_in=0x1010)
resume(c, 'vol0', 1)
table(c, 'vol0', 1, 0x30, [ent(0, 100, 'zero', '', 0)])

# ============================ rename ==========================================================

c = case('rename/dmctl', """
C-RN, dm-driver §3.8: reply gains open_count, minor, uuid; name keeps the OLD name; flags
untouched (absent stays absent). names shows test1; info by the new name works, by the old fails.""")
create(c, 'test0', 1)
req = R('rename', cmd_data=['test1'], name='test0')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid=''))
names(c, [('test1', 1)])
info(c, 'test1', 1, 0, 0)
info_missing(c, 'test0')

c = case('rename/lvm', """
L-REN: flags 0x4 is not touched by a successful rename (dm-driver §3.8 step 5).""")
create(c, 'vol0', 1, uuid='LVM-x')
req = R('rename', cmd_data=['vol1'], flags=U(4), name='vol0')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='LVM-x'))
names(c, [('vol1', 1)])

c = case('rename/not_found', """
dm-driver §3.8 step 3 / §3.0: not found → flags &= ~0x4 (absent → 0x0).""")
req = R('rename', cmd_data=['x'], name='nosuch')
c.io(req, reply(req, flags=U(0)))
req = R('rename', cmd_data=['x'], flags=U(4), name='nosuch')
c.io(req, reply(req, flags=U(0)))

N128 = 'r' * 128

c = case('rename/name_length', """
dm-driver §3.8 step 2: strlen(new)+1 > 128 → EINVAL before the lookup, reply unchanged (even for
an unknown device: EINVAL wins over ENOENT, no flags added). 127 chars are accepted.""")
create(c, 'a', 1)
req = R('rename', cmd_data=[N128], name='a')
c.io(req, reply(req))
req = R('rename', cmd_data=[N128], name='nosuch')
c.io(req, reply(req))
req = R('rename', cmd_data=[N128[:127]], name='a')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid=''))
names(c, [(N128[:127], 1)])

c = case('rename/bad_cmd_data', """
dm-driver §3.8 step 1 emulator rule: cmd_data missing or element 0 not a string → EINVAL,
reply unchanged; the device keeps its name.""")
create(c, 'a', 1)
req = R('rename', name='a')
c.io(req, reply(req))
req = R('rename', name='a', cmd_data=[])
c.io(req, reply(req))
req = R('rename', name='a', cmd_data=[U(5)])
c.io(req, reply(req))
names(c, [('a', 1)])

c = case('rename/clash_device_vanishes', """
dm-driver §3.8 step 6 / quirk 9: no uniqueness check; the re-insert of a (renamed b) clashes
with b and is ignored → the device disappears from the list and from every lookup (even by
minor 1). H-ERR 0: the reply is the normal success reply.""")
create(c, 'a', 1)
create(c, 'b', 2)
req = R('rename', cmd_data=['b'], name='a')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid=''))
names(c, [('b', 2)])
req = R('info', minor=U(1))
c.io(req, reply(req, flags=U(0)))
info(c, 'b', 2, 0, 0)

c = case('rename/by_uuid_compares_names', """
dm-driver §3.8 step 3 quirk [V dm_dev.c 1.9]: dm_dev_rem's uuid step compares against device
NAMES: rename by the real uuid "U-a" fails (ENOENT, flags 0x0); rename by uuid "a" (the name)
finds device a.""")
create(c, 'a', 1, uuid='U-a')
req = R('rename', cmd_data=['x'], uuid='U-a')
c.io(req, reply(req, flags=U(0)))
req = R('rename', cmd_data=['x'], uuid='a')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='U-a'))
names(c, [('x', 1)])

# ============================ remove ==========================================================

c = case('remove/dmctl', """
C-RM, dm-driver §3.9: success → reply unchanged (only version rewritten); names empty.""")
create(c, 'test0', 1)
req = R('remove', name='test0')
c.io(req, reply(req))
names(c, [])

c = case('remove/not_found', """
dm-driver §3.0: flags &= ~0x4 → 0x0 (absent or 0x4); a second remove of a removed device fails.""")
req = R('remove', name='nosuch')
c.io(req, reply(req, flags=U(0)))
create(c, 'a', 1)
req = R('remove', cmd_data=[], flags=U(4), name='a')
c.io(req, reply(req))
c.io(req, reply(req, flags=U(0)))

c = case('remove/active_device', """
dm-driver §3.9 step 2a: busy only if the disk open mask is non-zero; an active (not open) device
is removed with both tables. Afterwards deps/table on it fail (flags 0x0, no cmd_data).""")
device(c, 'vol0', 1, LIN1)
req = R('remove', cmd_data=[], flags=U(4), name='vol0')
c.io(req, reply(req))
names(c, [])
req = R('deps', name='vol0')
c.io(req, reply(req, flags=U(0)))

c = case('remove/by_minor', """
L-LVRM: lookup by minor (dm-driver §3.0 step 1); reply unchanged.""")
device(c, 'vg0-lv0', 1, LIN1)
req = R('remove', cmd_data=[], flags=U(0xc), minor=U(1))
c.io(req, reply(req))
names(c, [])

c = case('remove/signed_flags_untouched', """
proplib-xml.md §5.5 / dm-driver §3.9: a successful remove never rewrites flags, so a signed
decimal flags value comes back in decimal; a failing one is rewritten unsigned (0x0).""")
create(c, 'a', 1)
req = R('remove', name='a', flags=I(4))
c.io(req, reply(req))
c.io(req, reply(req, flags=U(0)))

# ============================ clear ===========================================================

c = case('clear/basic', """
dm-driver §3.10: clear destroys the inactive table, reply unchanged; info 0x40 before, 0x0 after.
A second clear (nothing to clear) also succeeds unchanged.""")
create(c, 'vol0', 1)
reload(c, 'vol0', 1, LIN1)
info(c, 'vol0', 1, 0x40, 0)
req = R('clear', cmd_data=[], flags=U(4), name='vol0')
c.io(req, reply(req))
info(c, 'vol0', 1, 0, 0)
c.io(req, reply(req))

c = case('clear/not_found', """
dm-driver §3.0: L-CLR on an unknown device → flags 0x4 cleared → 0x0.""")
req = R('clear', cmd_data=[], flags=U(4), name='nosuch')
c.io(req, reply(req, flags=U(0)))

c = case('clear/then_resume', """
dm-driver §3.10 + §3.7: with an active linear table, reload zero, clear it, resume → the
(empty) inactive slot becomes active; the table is empty and the device size 0.""")
device(c, 'vol0', 1, [ent(0, 64, 'linear', WD1D + ' 400')])
reload(c, 'vol0', 1, [ent(0, 64, 'zero', '')])
req = R('clear', name='vol0')
c.io(req, reply(req))
table(c, 'vol0', 1, 0x30, [ent(0, 64, 'linear', UD1 + ' 400', 1)])
resume(c, 'vol0', 1)
table(c, 'vol0', 1, 0x10, [])
c.read(mapper('vol0'), 0, 512, 0, 512)

# ============================ deps ============================================================

def deps(c, name, minor, devs, uuid='', **kw):
    req = R('deps', name=name, **kw)
    c.io(req, reply(req, minor=U(minor), name=name, uuid=uuid, cmd_data=devs))


c = case('deps/dmctl', """
C-DP, dm-driver §3.11: cmd_data = u64 dev_t of each pdev; wd1d on amd64 = makedev(0, 19) = 0x13
(MAXPARTITIONS 16, RAW_PART 3). Reply also gets minor, name, uuid; flags untouched.""")
device(c, 'test0', 1, [ent(0, 0x5000, 'linear', WD1D + ' 0')])
deps(c, 'test0', 1, [DT1])

c = case('deps/striped_two_disks', """
dm-driver §3.11 step 4 / §7.2: stripe pdevs in registration order: wd0d (0x3), wd1d (0x13).""")
device(c, 'st', 1, [ent(0, 128, 'striped', '2 64 %s 0 %s 0' % (WD0D, WD1D))])
deps(c, 'st', 1, [DT0, DT1])

c = case('deps/dedup', """
dm-driver §3.11 step 4: values deduplicated across the whole table: wd1d, wd1d, wd0d → [0x13, 0x3].""")
device(c, 'd', 1, [ent(0, 100, 'linear', WD1D + ' 0'), ent(100, 100, 'linear', WD1D + ' 500'),
                   ent(200, 100, 'linear', WD0D + ' 0')])
deps(c, 'd', 1, [DT1, DT0])

c = case('deps/inactive_flag', """
dm-driver §3.11 step 3: flags 0x1000 → the inactive table (linear on wd0d) else the active one
(wd1d); flags untouched in the reply.""")
device(c, 'd', 1, [ent(0, 100, 'linear', WD1D + ' 0')])
reload(c, 'd', 1, [ent(0, 100, 'linear', WD0D + ' 0')])
deps(c, 'd', 1, [DT0], flags=U(0x1000))
deps(c, 'd', 1, [DT1])

c = case('deps/no_pdevs', """
dm-driver §3.11 step 5: no table → []; zero/error entries register no pdev → [].
L-DEPM by minor: the canonical name is added to the reply.""")
create(c, 'd', 1)
deps(c, 'd', 1, [])
reload(c, 'd', 1, [ent(0, 100, 'zero', ''), ent(100, 100, 'error', '')])
resume(c, 'd', 1)
req = R('deps', cmd_data=[], flags=U(0xc), minor=U(1))
c.io(req, reply(req, minor=U(1), name='d', uuid='', cmd_data=[]))

c = case('deps/not_found', """
dm-driver §3.11 step 1: lookup failure → flags &= ~0x4, no cmd_data added (L-DEP's own []
stays).""")
req = R('deps', name='nosuch')
c.io(req, reply(req, flags=U(0)))
req = R('deps', cmd_data=[], flags=U(4), name='nosuch')
c.io(req, reply(req, flags=U(0)))

# ============================ reload ==========================================================

c = case('reload/dmctl_linear', """
C-RL1 (userland §5.3) with /dev/wd1d, dm-driver §3.12: reply minor, flags (absent→0)|0x40;
cmd_data comes back unchanged.""")
create(c, 'test0', 1)
reload(c, 'test0', 1, [ent(0, 0x5000, 'linear', WD1D + ' 0')])

c = case('reload/lvm_flags', """
L-LD, dm-driver §3.12 step 5: flags 0x4 | 0x40 = 0x44.""")
create(c, 'vol0', 1)
req = R('reload', cmd_data=[ent(0, 0x5000, 'linear', WD1D + ' 0')], flags=U(4), name='vol0')
c.io(req, reply(req, minor=U(1), flags=U(0x44)))

c = case('reload/empty_table', """
C-RL4, dm-driver §3.12 (last paragraph): empty cmd_data succeeds, flags 0x40 in the reply and in
the device flags; info computes from counts → 0x40 cleared; suspend shows the device flag: 0x46.""")
create(c, 'test0', 1)
reload(c, 'test0', 1, [])
info(c, 'test0', 1, 0, 0)
req = R('suspend', flags=U(2), name='test0')
c.io(req, reply(req, open_count=U(0), flags=U(0x46), minor=U(1)))

c = case('reload/unknown_target', """
dm-driver §3.12 step 4a / §7.7: mirror is not registered (no module loader) → ENOENT; minor was
already set (step 3), flags untouched (absent stays absent). Nothing was added → info 0x0.""")
create(c, 'vol0', 1)
req = R('reload', name='vol0', cmd_data=[ent(0, 100, 'mirror', 'core 1 64')])
c.io(req, reply(req, minor=U(1)))
req = R('reload', name='vol0', cmd_data=[ent(0, 100, 'delay', WD1D + ' 0 10')], flags=U(4))
c.io(req, reply(req, minor=U(1)))
info(c, 'vol0', 1, 0, 0)

c = case('reload/unknown_target_leftovers', """
dm-driver §3.12 step 4a / quirk 7: [zero, snapshot] → the zero entry stays in the inactive slot,
device flag 0x40 not set. info counts it: 0x40, target_count 0. resume activates it.""")
create(c, 'vol0', 1)
req = R('reload', name='vol0', cmd_data=[ent(0, 100, 'zero', ''), ent(100, 100, 'snapshot', 'x')])
c.io(req, reply(req, minor=U(1)))
info(c, 'vol0', 1, 0x40, 0)
resume(c, 'vol0', 1)
table(c, 'vol0', 1, 0x30, [ent(0, 100, 'zero', '', 1)])

c = case('reload/missing_type', """
dm-driver §3.12 step 4a emulator rule: an entry without type → ENOENT, minor set, flags untouched.""")
create(c, 'vol0', 1)
req = R('reload', name='vol0', cmd_data=[{'start': U(0), 'length': U(10), 'params': ''}])
c.io(req, reply(req, minor=U(1)))
info(c, 'vol0', 1, 0, 0)

c = case('reload/linear_bad_params', """
dm-driver §7.1: linear init needs exactly 2 tokens → EINVAL (1 or 3 tokens); params missing →
dm_table_init EINVAL (§3.12 4e). Reply: minor set, flags untouched.""")
create(c, 'vol0', 1)
for params in (WD1D, WD1D + ' 0 7', None):
    req = R('reload', name='vol0', cmd_data=[ent(0, 100, 'linear', params)])
    c.io(req, reply(req, minor=U(1)))
info(c, 'vol0', 1, 0, 0)

c = case('reload/linear_no_such_disk', """
dm-driver §6 / §7.1: dm_pdev_insert fails for a path that does not exist (wd7d: no such unit)
→ ENOENT; also for a non-block node (/dev/rwd1d is a character device; vn_bdev_openpath wants a
block device).""")
create(c, 'vol0', 1)
for params in ('/dev/wd7d 0', '/dev/nosuch 0', RWD1D + ' 0'):
    req = R('reload', name='vol0', cmd_data=[ent(0, 100, 'linear', params)])
    c.io(req, reply(req, minor=U(1)))
info(c, 'vol0', 1, 0, 0)

c = case('reload/error_zero_params', """
dm-driver §7.3/§7.4: error and zero take no arguments → a token gives EINVAL; a missing params
key → EINVAL (§3.12 4e). Blank/whitespace params are 0 tokens → OK.""")
create(c, 'vol0', 1)
for typ, params in (('error', 'x'), ('zero', '1 2'), ('error', None)):
    req = R('reload', name='vol0', cmd_data=[ent(0, 100, typ, params)])
    c.io(req, reply(req, minor=U(1)))
reload(c, 'vol0', 1, [ent(0, 100, 'error', ' \t '), ent(100, 100, 'zero', '')])
info(c, 'vol0', 1, 0x40, 0)

c = case('reload/striped_bad_params', """
dm-driver §7.2: argc < 2 → EINVAL; count 2 with one (path, offset) pair → missing pair
(emulator: ENOENT); a bad stripe path → ENOENT.""")
create(c, 'vol0', 1)
for params in ('2', '2 64 %s 0' % WD1D, '2 64 %s 0 /dev/wd9d 0' % WD1D):
    req = R('reload', name='vol0', cmd_data=[ent(0, 128, 'striped', params)])
    c.io(req, reply(req, minor=U(1)))
info(c, 'vol0', 1, 0, 0)

c = case('reload/failure_keeps_active', """
dm-driver §3.12 step 4f: a failing reload touches only the inactive slot; the active linear
table and its I/O are unchanged.""")
device(c, 'vol0', 1, [ent(0, 64, 'linear', WD1D + ' 400')])
c.write(mapper('vol0'), 0, 512, 21, 0, 0)
req = R('reload', name='vol0', cmd_data=[ent(0, 64, 'linear', WD1D)])
c.io(req, reply(req, minor=U(1)))
table(c, 'vol0', 1, 0x30, [ent(0, 64, 'linear', UD1 + ' 400', 1)])
c.read(mapper('vol0'), 0, 512, 0, 0, pattern(21, 512))

c = case('reload/init_failure_destroys_inactive', """
dm-driver §3.12 step 4f / quirk 8: a good reload (zero) then a bad one: the whole inactive table
is destroyed, the device flag 0x40 stays: info 0x0 (counts), suspend 0x46 (flag word). A resume
then activates an empty table.""")
create(c, 'vol0', 1)
reload(c, 'vol0', 1, [ent(0, 100, 'zero', '')])
req = R('reload', name='vol0', cmd_data=[ent(0, 100, 'error', 'bad')])
c.io(req, reply(req, minor=U(1)))
info(c, 'vol0', 1, 0, 0)
req = R('suspend', flags=U(2), name='vol0')
c.io(req, reply(req, open_count=U(0), flags=U(0x46), minor=U(1)))
resume(c, 'vol0', 1)
table(c, 'vol0', 1, 0x10, [])

c = case('reload/replaces_inactive', """
dm-driver §3.12 step 2: with device flag 0x40 set, a second reload first destroys the previous
inactive table: only the linear entry remains (table with 0x1000).""")
create(c, 'vol0', 1)
reload(c, 'vol0', 1, [ent(0, 100, 'zero', '')])
reload(c, 'vol0', 1, [ent(0, 64, 'linear', WD1D + ' 8')])
table(c, 'vol0', 1, 0x1050, [ent(0, 64, 'linear', UD1 + ' 8', 0)], flags_in=0x1010)

c = case('reload/param_parsing', """
dm-driver §7.0 atoi64 + §3.12 4e token split on spaces/tabs: "12abc" → 12, "-5" → 0, tabs and
repeated blanks separate tokens, leading blank ignored (L-LVLD style). Table shows major:minor.""")
create(c, 'vol0', 1)
reload(c, 'vol0', 1, [ent(0, 10, 'linear', WD1D + ' 12abc'),
                      ent(10, 10, 'linear', WD1D + '\t -5'),
                      ent(20, 10, 'linear', ' ' + WD1D + '  \t7  ')])
resume(c, 'vol0', 1)
table(c, 'vol0', 1, 0x30, [ent(0, 10, 'linear', UD1 + ' 12', 1),
                           ent(10, 10, 'linear', UD1 + ' 0', 1),
                           ent(20, 10, 'linear', UD1 + ' 7', 1)])

c = case('reload/lvm_by_minor', """
L-LVLD: reload by minor only, params with a leading space; then L-LVRS resume and table.""")
create(c, 'vg0-lv0', 1, cmd_data=[], flags=U(4), uuid='LVM-' + 'x' * 64)
req = R('reload', cmd_data=[ent(0, 0x5000, 'linear', ' ' + WD1D + ' 384')], flags=U(0xc),
        minor=U(1))
c.io(req, reply(req, minor=U(1), flags=U(0x4c)))
req = R('resume', cmd_data=[], flags=U(0xc), minor=U(1), name='vg0-lv0')
c.io(req, reply(req, open_count=U(0), flags=U(0xc), minor=U(1)))
req = R('table', cmd_data=[], flags=U(0x1c), minor=U(1))
c.io(req, reply(req, minor=U(1), flags=U(0x3c),
                cmd_data=[ent(0, 0x5000, 'linear', UD1 + ' 384', 1)]))

c = case('reload/not_found', """
dm-driver §3.0: unknown device → flags &= ~0x4 → 0x0; no minor added.""")
req = R('reload', name='nosuch', cmd_data=[ent(0, 100, 'zero', '')])
c.io(req, reply(req, flags=U(0)))

c = case('reload/no_validation', """
dm-driver §3.12 4b / quirk 11: start/length are not validated: a zero-length entry, an entry
not starting at 0 and overlapping entries are all accepted and listed in load order.""")
create(c, 'vol0', 1)
entries = [ent(100, 50, 'zero', ''), ent(0, 0, 'error', ''), ent(120, 80, 'zero', '')]
reload(c, 'vol0', 1, entries)
resume(c, 'vol0', 1)
table(c, 'vol0', 1, 0x30, [ent(100, 50, 'zero', '', 1), ent(0, 0, 'error', '', 1),
                           ent(120, 80, 'zero', '', 1)])

# ============================ status / table ==================================================

c = case('table/dmctl', """
C-TB, dm-driver §3.13 / §7.1: flags 0x10 → table hook: linear "major:minor offset" = "0:19 0";
status = active index 1 (one resume); flags 0x10|0x20; minor.""")
device(c, 'test0', 1, LIN1)
table(c, 'test0', 1, 0x30, [ent(0, 0x5000, 'linear', UD1 + ' 0', 1)])

c = case('status/lvm_info', """
L-STA, dm-driver §3.13 step 6: without 0x10 the info hook is used; linear has none → params ""
(key present, [I] 2019-12-23 change). flags 0x4|0x20.""")
device(c, 'vol0', 1, LIN1)
req = R('status', cmd_data=[], flags=U(4), name='vol0')
c.io(req, reply(req, minor=U(1), flags=U(0x24),
                cmd_data=[ent(0, 0x5000, 'linear', '', 1)]))

c = case('status/striped', """
dm-driver §7.2: striped table hook "2 64 0:3 0 0:19 0"; info hook "2 0:3 0:19 1 AA" (count,
udev names, "1 ", one A per stripe).""")
device(c, 'st', 1, [ent(0, 256, 'striped', '2 64 %s 0 %s 0' % (WD0D, WD1D))])
table(c, 'st', 1, 0x30, [ent(0, 256, 'striped', '2 64 %s 0 %s 0' % (UD0, UD1), 1)])
req = R('status', name='st')
c.io(req, reply(req, minor=U(1), flags=U(0x20),
                cmd_data=[ent(0, 256, 'striped', '2 %s %s 1 AA' % (UD0, UD1), 1)]))

c = case('table/zero_error', """
C-RL2 then table/status: zero and error have neither table nor info hook → params "" (§7.3/7.4).""")
device(c, 'ze', 1, [ent(0, 0x400, 'zero', ''), ent(0x400, 0x400, 'error', '')])
table(c, 'ze', 1, 0x30, [ent(0, 0x400, 'zero', '', 1), ent(0x400, 0x400, 'error', '', 1)])
table(c, 'ze', 1, 0x20, [ent(0, 0x400, 'zero', '', 1), ent(0x400, 0x400, 'error', '', 1)],
      flags_in=0)

c = case('status/presence_flags', """
dm-driver §3.13 step 3: no active entries → 0x20 cleared and 0x40 set iff the inactive table has
entries. Fresh device: 0x10 → 0x10, []. After reload: 0x50, [] (active chosen). With 0x1000: the
inactive entry. With an active table, 0x40 is left as sent (0x50 → 0x70).""")
create(c, 'vol0', 1)
table(c, 'vol0', 1, 0x10, [])
reload(c, 'vol0', 1, [ent(0, 100, 'zero', '')])
table(c, 'vol0', 1, 0x50, [])
table(c, 'vol0', 1, 0x1050, [ent(0, 100, 'zero', '', 0)], flags_in=0x1010)
resume(c, 'vol0', 1)
table(c, 'vol0', 1, 0x70, [ent(0, 100, 'zero', '', 1)], flags_in=0x50)
table(c, 'vol0', 1, 0x30, [ent(0, 100, 'zero', '', 1)])

c = case('status/not_found', """
dm-driver §3.13 step 1: failure → flags &= ~0x4, no cmd_data added (L-TBL's [] stays).""")
req = R('table', flags=U(0x10), name='nosuch')
c.io(req, reply(req, flags=U(0x10)))
req = R('table', cmd_data=[], flags=U(0x14), name='nosuch')
c.io(req, reply(req, flags=U(0x10)))
req = R('status', name='nosuch')
c.io(req, reply(req, flags=U(0)))

c = case('table/suspended', """
dm-driver §3.13 step 4: device SUSPEND → flags |= 0x2: 0x10|0x20|0x2 = 0x32.""")
device(c, 'vol0', 1, LIN1)
req = R('suspend', flags=U(2), name='vol0')
c.io(req, reply(req, open_count=U(0), flags=U(0x26), minor=U(1)))
table(c, 'vol0', 1, 0x32, [ent(0, 0x5000, 'linear', UD1 + ' 0', 1)])

# ============================ errors ==========================================================

c = case('errors/unknown_command', """
dm-driver §2.1/§2.2: unknown commands → H-ERR EINVAL after a successful version check, so the
version array IS rewritten; ioctl returns 0. L-RMA and L-WAIT/L-MSG carry no version → version
check fails first → echoed unchanged. Matching is case-sensitive ("Version").""")
req = R('remove_all', cmd_data=[], flags=U(4), name='')
c.io(req, reply(req))
req = {'cmd_data': [], 'command': 'remove_all', 'flags': U(4), 'name': ''}
c.io(req, echo(req))
req = {'cmd_data': [], 'command': 'waitevent', 'flags': U(4), 'name': 'vol0'}
c.io(req, echo(req))
req = R('message', name='vol0')
c.io(req, reply(req))
req = R('Version')
c.io(req, reply(req))
req = R('list_versions')
c.io(req, reply(req))

c = case('errors/bad_command_key', """
dm-driver §2.2 step 1: no command key → EINVAL (version already rewritten); a non-string command
never matches → EINVAL; reply otherwise unchanged.""")
req = {'version': list(V), 'name': 'x'}
c.io(req, reply(req))
req = {'command': U(1), 'version': list(V)}
c.io(req, reply(req))
req = {'command': ['version'], 'version': list(V)}
c.io(req, reply(req))

c = case('errors/non_dict_root', """
dm-driver §1.3 step 3 / proplib-xml.md §4.2: the root object is not a dictionary → copy-in EIO,
ioctl fails, nothing copied out.""")
c.io('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<array/>\n</plist>\n', 5)
c.io('<plist version="1.0"><string>version</string></plist>\n', 5)
c.io('<plist version="1.0"><array><dict><key>command</key><string>version</string></dict></array></plist>\n', 5)

c = case('errors/unparseable', """
proplib-xml.md §3 + §4.2: every internalize failure → EIO: key without value, integer with
trailing junk, decimal overflowing int64 (kernel never falls back to unsigned), missing </dict>,
numeric character reference, <data/>, <dict > with a blank, <true></true>.""")
bad = [
    '<plist version="1.0"><dict><key>command</key></dict></plist>\n',
    '<plist version="1.0"><dict><key>flags</key><integer>12abc</integer></dict></plist>\n',
    '<plist version="1.0"><dict><key>flags</key><integer>9223372036854775808</integer></dict></plist>\n',
    '<plist version="1.0"><dict><key>command</key><string>version</string></plist>\n',
    '<plist version="1.0"><dict><key>command</key><string>&#65;</string></dict></plist>\n',
    '<plist version="1.0"><dict><key>d</key><data/></dict></plist>\n',
    '<plist version="1.0"><dict ><key>command</key><string>version</string></dict></plist>\n',
    '<plist version="1.0"><dict><key>t</key><true></true></dict></plist>\n',
]
for b in bad:
    c.io(b, 5)
req = R('version')
c.io(req, reply(req))

# The replay item is the document up to and including </plist> (no trailing newline), so its
# pref_len is len(plist(...)) - 1. Pick the pad so that the first request is 131071 bytes.
_base = len(plist(R('version', pad='p'))) - 1
PAD_OK = 'p' * (131071 - _base + 1)
PAD_BIG = PAD_OK + 'p'
assert len(plist(R('version', pad=PAD_OK))) - 1 == 131071

c = case('errors/oversized', """
proplib-xml.md §4.2 step 2 / dm-driver §1.3: pref_len >= 131072 (prop_object_copyin_limit) →
E2BIG before parsing. The boundary exactly: a valid version request of 131071 bytes (pref_len =
the document up to </plist>) is accepted and echoed; the same request one byte longer (131072)
fails with E2BIG; a normal request afterwards works.""")
req = R('version', pad=PAD_OK)
c.io(req, reply(req))
req = R('version', pad=PAD_BIG)
c.io(req, 7)
req = R('version')
c.io(req, reply(req))

c = case('errors/echo_and_normalize', """
dm-driver §1.5 / proplib-xml.md §2.4, §3: unknown request keys of every type are echoed back;
the reply is re-externalized in libprop layout with keys sorted by byte order whatever the input
order/whitespace; escaped text comes back escaped the libprop way (&apos; → '); comments ignored.""")
raw = ('<?xml version="1.0"?>\n<plist version="1.0"><dict>'
       '<key>zzz</key><dict><key>b</key><false/><key>a</key><true/></dict>'
       '<!-- comment -->'
       '<key>version</key><array><integer>0x4</integer><integer>0x0</integer>'
       '<integer>0x0</integer></array>'
       '<key>command</key><string>version</string>'
       '<key>Z</key><string>a&amp;b&lt;c&gt;&apos;</string>'
       '<key>blob</key><data>AAEC</data>'
       '<key>neg</key><integer>-42</integer>'
       '<key>empty</key><dict/>'
       '</dict></plist>\n')
exp = ('<?xml version="1.0" encoding="UTF-8"?>\n'
       '<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" '
       '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
       '<plist version="1.0">\n<dict>\n'
       '\t<key>Z</key>\n\t<string>a&amp;b&lt;c&gt;\'</string>\n'
       '\t<key>blob</key>\n\t<data>AAEC</data>\n'
       '\t<key>command</key>\n\t<string>version</string>\n'
       '\t<key>empty</key>\n\t<dict/>\n'
       '\t<key>neg</key>\n\t<integer>-42</integer>\n'
       '\t<key>version</key>\n\t<array>\n\t\t<integer>0x4</integer>\n'
       '\t\t<integer>0x10</integer>\n\t\t<integer>0x0</integer>\n\t</array>\n'
       '\t<key>zzz</key>\n\t<dict>\n\t\t<key>a</key>\n\t\t<true/>\n'
       '\t\t<key>b</key>\n\t\t<false/>\n\t</dict>\n'
       '</dict>\n</plist>\n')
c.inp.append(raw)
c.out.append(exp)

c = case('errors/strict_errno', """
--strict-errno (KernelConfig.strictErrno: DragonFly behaviour, the handler's errno becomes the
ioctl's): ENOENT lookups → errno 2, duplicate create → 17, version mismatch → 5, unknown command
→ 22, bad linear params → 22, unknown target → 2, rename too long → 22; successes still return
the reply; copy-in errors are unchanged.""", args=['--strict-errno'])
create(c, 'a', 1)
c.io(R('create', name='a'), 17)
c.io(R('info', name='nosuch'), 2)
c.io(R('version', version=[U(5), U(0), U(0)]), 5)
c.io(R('remove_all'), 22)
c.io(R('reload', name='a', cmd_data=[ent(0, 10, 'linear', WD1D)]), 22)
c.io(R('reload', name='a', cmd_data=[ent(0, 10, 'mirror', '')]), 2)
c.io(R('rename', name='a', cmd_data=[N128]), 22)
c.io(R('remove', name='nosuch'), 2)
reload(c, 'a', 1, [ent(0, 10, 'zero', '')])
c.io('<plist version="1.0"><array/></plist>\n', 5)
names(c, [('a', 1)])

# ============================ block I/O =======================================================

c = case('io/linear', """
dm-driver §8.3 / §7.1: linear 0..2048 → wd1d sector 1000. A write lands at wd1d 1000 (read back
through /dev/rwd1d); reading the dm device returns it; sector 999 untouched. Last 8 sectors
(2040..2047) map to wd1d 3040. blkno == size → EOF (error 0, resid = bcount); blkno > size →
EINVAL, resid = bcount; a write at EOF also reports resid = bcount.""")
device(c, 'lin', 1, [ent(0, 2048, 'linear', WD1D + ' 1000')])
c.write(mapper('lin'), 0, 4096, 11, 0, 0)
c.read(RWD1D, 1000, 4096, 0, 0, pattern(11, 4096))
c.read(mapper('lin'), 0, 4096, 0, 0, pattern(11, 4096))
c.read(RWD1D, 999, 512, 0, 0)
c.write(mapper('lin'), 2040, 4096, 2, 0, 0)
c.read(RWD1D, 3040, 4096, 0, 0, pattern(2, 4096))
c.read(mapper('lin'), 2048, 512, 0, 512)
c.read(mapper('lin'), 2049, 512, 22, 512)
c.write(mapper('lin'), 2048, 512, 3, 0, 512)
c.write(mapper('lin'), 4000, 512, 3, 22, 512)

c = case('io/straddle_end', """
dm-driver §8.3 step 3 + quirk 12 (Q4) emulator rule: a request crossing the end of the device is
truncated to the in-range part, which IS transferred, then reported as error EINVAL with
resid = the original bcount. Read: the first 512 bytes come from wd1d 3047 (written there
directly first). Write: the first sector lands on wd1d 3047.""")
device(c, 'lin', 1, [ent(0, 2048, 'linear', WD1D + ' 1000')])
c.write(RWD1D, 3047, 512, 9, 0, 0)
c.read(mapper('lin'), 2047, 1024, 22, 1024, pattern(9, 512))
c.write(mapper('lin'), 2047, 1024, 4, 22, 1024)
c.read(RWD1D, 3047, 1024, 0, 0, pattern(4, 512))

P = pattern(3, 8192)
Q = pattern(50, 4096)
c = case('io/striped', """
dm-driver §7.2 strategy: 2 stripes, chunk 8 sectors, wd0d at 200, wd1d at 300, length 64.
Write 16 sectors at 0: blocks 0-7 → wd0d 200-207, 8-15 → wd1d 300-307. Write 8 sectors at 12:
blocks 12-15 (stripe 1, off 4) → wd1d 304-307, blocks 16-19 (stripe 2 = dev 0 row 1) → wd0d
208-211. Reading 24 sectors at 0 gathers P[0:6144] + Q + zeros. blkno 64 → EOF.""")
device(c, 'st', 1, [ent(0, 64, 'striped', '2 8 %s 200 %s 300' % (WD0D, WD1D))])
c.write(mapper('st'), 0, 8192, 3, 0, 0)
c.read(RWD0D, 200, 4096, 0, 0, P[:4096])
c.read(RWD1D, 300, 4096, 0, 0, P[4096:])
c.write(mapper('st'), 12, 4096, 50, 0, 0)
c.read(RWD1D, 300, 4096, 0, 0, P[4096:6144] + Q[:2048])
c.read(RWD0D, 208, 4096, 0, 0, Q[2048:])
c.read(mapper('st'), 0, 12288, 0, 0, P[:6144] + Q)
c.read(mapper('st'), 64, 512, 0, 512)

c = case('io/zero_and_linear', """
dm-driver §8.3 step 5 / §7.4: linear 0..1024 → wd1d 5000, zero 1024..2048. A 4 KiB write at 1020
puts its first 2 KiB on wd1d 6020-6023 (the zero part swallows the rest); reading back returns
those 2 KiB then zeros. Zero-only read: zeros, no error.""")
device(c, 'zl', 1, [ent(0, 1024, 'linear', WD1D + ' 5000'), ent(1024, 1024, 'zero', '')])
c.write(mapper('zl'), 1020, 4096, 77, 0, 0)
c.read(RWD1D, 6020, 4096, 0, 0, pattern(77, 2048))
c.read(mapper('zl'), 1020, 4096, 0, 0, pattern(77, 2048))
c.read(mapper('zl'), 1500, 8192, 0, 0)
c.read(mapper('zl'), 2048, 512, 0, 512)

c = case('io/error_target', """
dm-driver §7.3 + §8.3 completion: the error target fails its part with EIO; the whole request
then reports error 5 and resid = bcount, even when part of it went to the zero target.""")
device(c, 'ez', 1, [ent(0, 100, 'zero', ''), ent(100, 100, 'error', '')])
c.read(mapper('ez'), 0, 1024, 0, 0)
c.read(mapper('ez'), 100, 512, 5, 512)
c.read(mapper('ez'), 98, 2048, 5, 2048)
c.write(mapper('ez'), 150, 512, 1, 5, 512)
c.read(mapper('ez'), 200, 512, 0, 512)

c = case('io/holes', """
dm-driver §8.3 steps 3, 6 / quirk 11: linear 0..100 → wd1d 7000 and zero at start 200 length
100: size = 200 (sum of lengths). 100, 150, 199 are holes → EINVAL; 200 == size → EOF even though
an entry starts there; 250 > size → EINVAL; 98+4 sectors partly in a hole → EINVAL, resid =
bcount; a write at 0 still lands on wd1d 7000.""")
device(c, 'h', 1, [ent(0, 100, 'linear', WD1D + ' 7000'), ent(200, 100, 'zero', '')])
c.read(mapper('h'), 100, 512, 22, 512)
c.read(mapper('h'), 150, 512, 22, 512)
c.read(mapper('h'), 199, 512, 22, 512)
c.read(mapper('h'), 200, 512, 0, 512)
c.read(mapper('h'), 250, 512, 22, 512)
c.write(mapper('h'), 0, 512, 5, 0, 0)
c.read(RWD1D, 7000, 512, 0, 0, pattern(5, 512))
c.read(mapper('h'), 98, 2048, 22, 2048)

c = case('io/not_at_zero', """
dm-driver §8.3 / quirk 11: a single entry starting at 100 (length 100): size 100, so 0, 50 and
99 are holes (EINVAL) and 100 is EOF.""")
device(c, 'o', 1, [ent(100, 100, 'linear', WD1D + ' 8000')])
c.read(mapper('o'), 0, 512, 22, 512)
c.read(mapper('o'), 50, 512, 22, 512)
c.read(mapper('o'), 99, 512, 22, 512)
c.read(mapper('o'), 100, 512, 0, 512)

c = case('io/no_table', """
dm-driver §8.3 step 3: no active table → size 0: blkno 0 → EOF (error 0, resid = bcount),
blkno 1 → EINVAL. A loaded but not resumed table changes nothing.""")
create(c, 'n', 1)
c.read(mapper('n'), 0, 512, 0, 512)
c.read(mapper('n'), 1, 512, 22, 512)
c.write(mapper('n'), 0, 512, 1, 0, 512)
reload(c, 'n', 1, [ent(0, 100, 'zero', '')])
c.read(mapper('n'), 0, 512, 0, 512)

c = case('io/readonly_not_enforced', """
dm-driver §3.3 step 5 / quirk 14: READONLY is stored but writes succeed.""")
create(c, 'ro', 1, flags=U(1))
reload(c, 'ro', 1, [ent(0, 16, 'linear', WD1D + ' 9000')])
resume(c, 'ro', 1)
c.write(mapper('ro'), 0, 512, 6, 0, 0)
c.read(RWD1D, 9000, 512, 0, 0, pattern(6, 512))

c = case('io/remap_after_reload', """
dm-driver §3.7: after reload+resume the new table is used: same dm sectors now map to wd0d 600
instead of wd1d 600.""")
device(c, 'm', 1, [ent(0, 16, 'linear', WD1D + ' 600')])
c.write(mapper('m'), 0, 1024, 31, 0, 0)
reload(c, 'm', 1, [ent(0, 16, 'linear', WD0D + ' 600')])
c.read(mapper('m'), 0, 1024, 0, 0, pattern(31, 1024))
resume(c, 'm', 1)
c.read(mapper('m'), 0, 1024, 0, 0)
c.write(mapper('m'), 0, 1024, 32, 0, 0)
c.read(RWD0D, 600, 1024, 0, 0, pattern(32, 1024))
c.read(RWD1D, 600, 1024, 0, 0, pattern(31, 1024))

# ============================ second batch: finer points ======================================

def stripe_map(blk, count, chunk, devs):
    """dm-driver §7.2 strategy formula for one block: (device path, device block)."""
    stripe, off = divmod(blk, chunk)
    dev = stripe % count
    row = stripe // count
    path, offset = devs[dev]
    return path, row * chunk + off + offset


c = case('io/striped_odd_chunk', """
dm-driver §7.2: 3 stripes, chunk 3 sectors (not a power of two): wd0d@1000, wd1d@1000,
wd0d@2000 (the same disk twice shares one pdev; deps dedups it: [0x3, 0x13]). A write of
blocks 4..20 (17 sectors) is checked sector by sector on the raw disks using
stripe = b / 3, off = b % 3, device = stripe % 3, device block = (stripe / 3)·3 + off + offset;
reading the whole device back gives zeros outside 4..20.""")
DEVS = [(RWD0D, 1000), (RWD1D, 1000), (RWD0D, 2000)]
device(c, 'so', 1, [ent(0, 36, 'striped', '3 3 %s 1000 %s 1000 %s 2000' % (WD0D, WD1D, WD0D))])
deps(c, 'so', 1, [DT0, DT1])
W = pattern(13, 17 * 512)
c.write(mapper('so'), 4, 17 * 512, 13, 0, 0)
for b in (4, 5, 6, 8, 10, 12, 14, 17, 18, 20):
    path, pb = stripe_map(b, 3, 3, DEVS)
    i = (b - 4) * 512
    c.read(path, pb, 512, 0, 0, W[i:i + 512])
c.read(mapper('so'), 0, 36 * 512, 0, 0, bytes(4 * 512) + W)
c.read(mapper('so'), 36, 512, 0, 512)

c = case('reload/striped_count_and_tokens', """
dm-driver §7.2 / §3.12 4e: extra tokens after the pairs are ignored ("1 8 wd1d 0 junk junk");
the stripe count is cast to 8 bits: 256 → 0, accepted (no pairs needed), table "0 64", info
"0 1 "; with count 0 every I/O fails with EIO (emulator rule, the kernel divides by zero), resid =
bcount. Chunk 0 is accepted too and I/O fails the same way.""")
create(c, 's1', 1)
reload(c, 's1', 1, [ent(0, 64, 'striped', '1 8 %s 0 junk junk' % WD1D)])
resume(c, 's1', 1)
table(c, 's1', 1, 0x30, [ent(0, 64, 'striped', '1 8 %s 0' % UD1, 1)])
create(c, 's0', 2)
reload(c, 's0', 2, [ent(0, 64, 'striped', '256 64')])
resume(c, 's0', 2)
table(c, 's0', 2, 0x30, [ent(0, 64, 'striped', '0 64', 1)])
req = R('status', name='s0')
c.io(req, reply(req, minor=U(2), flags=U(0x20), cmd_data=[ent(0, 64, 'striped', '0 1 ', 1)]))
c.read(mapper('s0'), 0, 512, 5, 512)
create(c, 'sc', 3)
reload(c, 'sc', 3, [ent(0, 64, 'striped', '1 0 %s 0' % WD1D)])
resume(c, 'sc', 3)
c.write(mapper('sc'), 0, 512, 1, 5, 512)

MANY = ' '.join(['%s %d' % (WD1D, i) for i in range(10)])
c = case('reload/max_argc_20', """
dm-driver §3.12 4e: at most 20 tokens (max_argc 0 → 20) are passed to init, extra tokens are
dropped. Striped with 9 stripes needs exactly 2 + 18 = 20 tokens → OK; with 10 stripes the last
pair (tokens 21-22) is dropped → missing pair → ENOENT (emulator rule §7.2). Linear with 25
tokens gets argc 20 → EINVAL.""")
create(c, 'm', 1)
nine = '9 8 ' + ' '.join(['%s %d' % (WD1D, i * 100) for i in range(9)])
ten = '10 8 ' + ' '.join(['%s %d' % (WD1D, i * 100) for i in range(10)])
req = R('reload', name='m', cmd_data=[ent(0, 720, 'striped', ten)])
c.io(req, reply(req, minor=U(1)))
req = R('reload', name='m', cmd_data=[ent(0, 720, 'linear', ' '.join([WD1D] + ['0'] * 24))])
c.io(req, reply(req, minor=U(1)))
reload(c, 'm', 1, [ent(0, 720, 'striped', nine)])
table(c, 'm', 1, 0x1050, [ent(0, 720, 'striped', '9 8 ' + ' '.join(
    ['%s %d' % (UD1, i * 100) for i in range(9)]), 0)], flags_in=0x1010)

c = case('io/label_sector_protected', """
disklabel.md §11 (bounds_check_with_label): a write through a non-raw partition covering the
label sector (default label: c zeroed → labelsector = 0 + LABELSECTOR 1) fails with EROFS,
nothing written, resid = bcount; the raw partition (rwd1d) is never protected; sector 2 is not
protected. A linear dm device on /dev/wd1a (a = whole disk in the default label, dev_t
makedev(0,16) = 0x10) passes the nested EROFS up: error 30, resid = bcount.""")
c.write('/dev/wd1a', 0, 2048, 1, 30, 2048)
c.read(RWD1D, 0, 2048, 0, 0)
c.write('/dev/wd1a', 2, 512, 2, 0, 0)
c.read(RWD1D, 2, 512, 0, 0, pattern(2, 512))
device(c, 'wa', 1, [ent(0, 100, 'linear', '/dev/wd1a 0')])
deps(c, 'wa', 1, [U(0x10)])
table(c, 'wa', 1, 0x30, [ent(0, 100, 'linear', '0:16 0', 1)])
c.write(mapper('wa'), 0, 2048, 3, 30, 2048)
c.write(mapper('wa'), 3, 512, 4, 0, 0)
c.read(RWD1D, 3, 512, 0, 0, pattern(4, 512))
c.write(RWD1D, 0, 2048, 5, 0, 0)
c.read(mapper('wa'), 0, 2048, 0, 0, pattern(5, 2048))

c = case('io/pdev_end', """
dm-driver §6 (pdev size never checked) + §8.3 completion + the disk's own bounds check
(bounds_check_with_mediasize on the raw partition, 131072 sectors of 64 MiB): linear on wd1d at
131000, length 200. Raw disk: a request straddling the end is truncated (resid counts the cut
bytes), at the end → EOF, beyond → EINVAL. Through dm: a nested request at the disk's end comes
back short without error → EIO; beyond the end → the disk's EINVAL; straddling → short → EIO;
each with resid = bcount.""")
device(c, 'pe', 1, [ent(0, 200, 'linear', WD1D + ' 131000')])
c.write(mapper('pe'), 71, 512, 7, 0, 0)
c.read(RWD1D, 131071, 1024, 0, 512, pattern(7, 512))
c.read(RWD1D, 131072, 512, 0, 512)
c.read(RWD1D, 131073, 512, 22, 512)
c.read(mapper('pe'), 72, 512, 5, 512)
c.read(mapper('pe'), 100, 512, 22, 512)
c.read(mapper('pe'), 71, 1024, 5, 1024, pattern(7, 512))
c.read(mapper('pe'), 70, 1024, 0, 0, bytes(512) + pattern(7, 512))

c = case('io/shared_pdev', """
dm-driver §6: two devices on the same disk share one pdev (reference counted); removing one
device drops only its reference, the other keeps working.""")
device(c, 'a', 1, [ent(0, 16, 'linear', WD1D + ' 100')])
device(c, 'b', 2, [ent(0, 16, 'linear', WD1D + ' 200')])
req = R('remove', name='a')
c.io(req, reply(req))
c.write(mapper('b'), 0, 1024, 17, 0, 0)
c.read(RWD1D, 200, 1024, 0, 0, pattern(17, 1024))
deps(c, 'b', 2, [DT1])

c = case('io/large_zero_device', """
proplib u64 start/length (§1.4) and dm-driver §8.3: a zero device of 2^32 sectors (2 TiB): the
last sector reads as zeros, 2^32 is EOF; a 128 KiB read (one strategy call, no MAXPHYS split in
replay) works.""")
device(c, 'big', 1, [ent(0, 0x100000000, 'zero', '')])
table(c, 'big', 1, 0x30, [ent(0, 0x100000000, 'zero', '', 1)])
c.read(mapper('big'), 0xffffffff, 512, 0, 0)
c.read(mapper('big'), 0x100000000, 512, 0, 512)
c.read(mapper('big'), 12345, 131072, 0, 0)

c = case('names/escaping', """
proplib-xml.md §2.3: names are echoed and listed with &, <, > escaped and every other byte
(quote, apostrophe, blank, UTF-8) raw; lookups compare the decoded bytes.""")
NM = 'vol "x" & <y> \'z\' \u00e9'
create(c, NM, 1)
names(c, [(NM, 1)])
info(c, NM, 1, 0, 0)

c = case('info/empty_name_and_range', """
dm-driver §3.0: an empty name never matches (the unnamed device is found only by minor);
proplib-xml.md §5.1: a flags or minor value above 2^32-1 fails get_uint32 and counts as absent:
flags 0x100000004 → 0 → reply flags 0x0 (rewritten); minor 0x100000001 → 0 → name lookup.""")
req = {'command': 'create', 'version': list(V)}
c.io(req, reply(req, flags=U(4), minor=U(1)))
create(c, 'n', 2)
info_missing(c, '')
req = R('info', minor=U(1))
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='', flags=U(0), target_count=U(0)))
req = R('info', name='n', flags=U(0x100000004))
c.io(req, reply(req, open_count=U(0), minor=U(2), uuid='', flags=U(0), target_count=U(0)))
req = R('info', name='n', minor=U(0x100000001))
c.io(req, reply(req, open_count=U(0), minor=U(2), uuid='', flags=U(0), target_count=U(0)))

c = case('version/out_of_range_elements', """
dm-driver §2.3 emulator rule + proplib-xml.md §5.1: elements that fail get_uint32 (negative,
above 2^32-1) count as 0: [4, -1, 0] → minor 0 → accepted and rewritten; [0x100000004, 0, 0] →
major 0 → rejected, echoed.""")
req = R('version', version=[U(4), I(-1), U(0)])
c.io(req, reply(req))
req = R('version', version=[U(0x100000004), U(0), U(0)])
c.io(req, echo(req))

c = case('reload/table_order_and_resume_twice', """
dm-driver §3.12 4d: entries keep load order (table lists them as loaded, even unsorted);
§3.7: a second resume without reload activates an empty table (size 0 → I/O EOF).""")
create(c, 'o', 1)
reload(c, 'o', 1, [ent(100, 100, 'zero', ''), ent(0, 100, 'linear', WD1D + ' 300')])
resume(c, 'o', 1)
table(c, 'o', 1, 0x30, [ent(100, 100, 'zero', '', 1), ent(0, 100, 'linear', UD1 + ' 300', 1)])
c.write(mapper('o'), 99, 1024, 40, 0, 0)
c.read(RWD1D, 399, 512, 0, 0, pattern(40, 512))
c.read(mapper('o'), 99, 1024, 0, 0, pattern(40, 512))
resume(c, 'o', 1)
table(c, 'o', 1, 0x10, [])
c.read(mapper('o'), 0, 512, 0, 512)

c = case('remove/then_io_and_recreate', """
dm-driver §3.9 / §4.2: after remove the name can be reused; the new device gets a new minor and
starts without tables (EOF at 0); its old mapping is gone.""")
device(c, 'r', 1, [ent(0, 16, 'linear', WD1D + ' 700')])
c.write(mapper('r'), 0, 512, 50, 0, 0)
req = R('remove', name='r')
c.io(req, reply(req))
create(c, 'r', 2)
c.read(mapper('r'), 0, 512, 0, 512)
info(c, 'r', 2, 0, 0)
c.read(RWD1D, 700, 512, 0, 0, pattern(50, 512))

# ============================ third batch ====================================================

c = case('reload/leftovers_behind_new_entries', """
dm-driver §3.12 4a/4d + quirk 7: a reload failing on an unknown type (second entry) leaves the
first entry (zero 0..100) in the inactive slot without setting device flag 0x40; the next
successful reload therefore does not destroy it: its first entry goes to the list head and the
next after it, so the leftover ends up behind the new entries. resume activates all three.
Size = 50 + 50 + 100 = 200 sectors although only 0..100 is mapped: 150 is a hole (EINVAL),
200 is EOF. (Reads inside 0..100 would be issued twice — overlapping entries — and are left out.)""")
create(c, 'l', 1)
req = R('reload', name='l', cmd_data=[ent(0, 100, 'zero', ''), ent(100, 10, 'mirror', 'x')])
c.io(req, reply(req, minor=U(1)))
reload(c, 'l', 1, [ent(0, 50, 'error', ''), ent(50, 50, 'zero', '')])
table(c, 'l', 1, 0x1050, [ent(0, 50, 'error', '', 0), ent(50, 50, 'zero', '', 0),
                          ent(0, 100, 'zero', '', 0)], flags_in=0x1010)
resume(c, 'l', 1)
table(c, 'l', 1, 0x30, [ent(0, 50, 'error', '', 1), ent(50, 50, 'zero', '', 1),
                        ent(0, 100, 'zero', '', 1)])
c.read(mapper('l'), 150, 512, 22, 512)
c.read(mapper('l'), 200, 512, 0, 512)

c = case('reload/odd_entry_values', """
dm-driver §3.12 4a-4c + proplib-xml.md §5.1: an element that is not a dictionary has no type →
ENOENT (emulator rule); a non-string params fails get_cstring → NULL → EINVAL; start/length in
signed decimal are accepted by get_uint64; a negative start fails the getter → 0 (emulator rule
for the uninitialised field); unknown keys inside an entry are echoed (cmd_data comes back as
sent).""")
create(c, 'v', 1)
req = R('reload', name='v', cmd_data=['zero'])
c.io(req, reply(req, minor=U(1)))
req = R('reload', name='v', cmd_data=[{'type': 'zero', 'start': U(0), 'length': U(8), 'params': U(0)}])
c.io(req, reply(req, minor=U(1)))
entries = [{'type': 'zero', 'start': I(-5), 'length': I(8), 'params': '', 'extra': 'kept'},
           {'type': 'error', 'start': I(8), 'length': I(8), 'params': ''}]
req = R('reload', name='v', cmd_data=entries)
c.io(req, reply(req, minor=U(1), flags=U(0x40)))
table(c, 'v', 1, 0x1050, [ent(0, 8, 'zero', '', 0), ent(8, 8, 'error', '', 0)], flags_in=0x1010)

c = case('create/name_not_a_string', """
proplib-xml.md §5.4: get_cstring_nocopy on a non-string name fails → name NULL → the device is
created unnamed (dm-driver §3.3 step 3); the request's integer name is echoed untouched.""")
req = R('create', name=U(5))
c.io(req, reply(req, flags=U(4), minor=U(1)))
names(c, [('', 1)])

c = case('clear/clears_device_flag', """
dm-driver §3.10 step 2: clear also clears device flag 0x40, visible in the suspend reply (device
flag word): 0x46 before, 0x6 after a reload + clear.""")
create(c, 'c', 1)
reload(c, 'c', 1, [ent(0, 8, 'zero', '')])
req = R('suspend', flags=U(2), name='c')
c.io(req, reply(req, open_count=U(0), flags=U(0x46), minor=U(1)))
req2 = R('clear', name='c')
c.io(req2, reply(req2))
c.io(req, reply(req, open_count=U(0), flags=U(0x6), minor=U(1)))

c = case('rename/vanished_name_reusable', """
dm-driver §3.8 quirk 9: after the clash the vanished device holds no name in the list, so a
new device 'a' can be created (next minor 3) and the vanished minor 1 stays unreachable.""")
create(c, 'a', 1)
create(c, 'b', 2)
req = R('rename', cmd_data=['b'], name='a')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid=''))
create(c, 'a', 3)
names(c, [('b', 2), ('a', 3)])
req = R('rename', cmd_data=['a'], name='a')
c.io(req, reply(req, open_count=U(0), minor=U(3), uuid=''))
names(c, [('b', 2), ('a', 3)])

c = case('io/partition_nodes', """
NetBSD dk_open: a partition other than RAW_PART that is beyond d_npartitions or FS_UNUSED cannot
be opened → ENXIO. In the default label of an unlabelled disk b and c are unused: the
directive's open fails with ENXIO, and a linear table naming /dev/wd1b fails pdev insertion →
ENOENT. A /dev/mapper node for a name no device has cannot be opened → ENOENT.""")
c.open_fail('read', '/dev/wd1b', 0, 512, 6)
c.open_fail('write', '/dev/wd1c', 0, 512, 6)
create(c, 'p', 1)
req = R('reload', name='p', cmd_data=[ent(0, 8, 'linear', '/dev/wd1b 0')])
c.io(req, reply(req, minor=U(1)))
c.open_fail('read', mapper('nosuch'), 0, 512, 2)

c = case('reload/pdev_path_forms', """
dm_pdev.c 1.23 dm_pdev_insert: a pdev is found again only by its exact path string
(dm_pdev_lookup_name: same length, same bytes); any other spelling is opened anew with
vn_bdev_openpath, and specfs allows one open of a block device (spec_vnops.c spec_open, VBLK:
sd_opencnt != 0 -> EBUSY). '/dev//wd1d' opens wd1d; '/dev/./wd1d' is a second open of the same
block device -> EBUSY -> dm_pdev_insert returns NULL -> the linear init answers ENOENT and the
reload fails (the half-built inactive table is destroyed, closing wd1d again: info shows no
inactive table). The same spelling twice is one pdev with two references and loads. While the
table holds wd1d, '% read /dev/wd1d' cannot open the block node (EBUSY); the raw node
/dev/rwd1d can be opened any number of times.
(Corrected in issue 12: this case used to expect three pdevs of one dev_t, which dm-driver §6
suggested; the NetBSD source says otherwise.)""")
create(c, 'pf', 1)
req = R('reload', name='pf', cmd_data=[ent(0, 8, 'linear', '/dev//wd1d 800'), ent(8, 8, 'linear', '/dev/./wd1d 900'),
                                       ent(16, 8, 'linear', WD1D + ' 1000')])
c.io(req, reply(req, minor=U(1)))
info(c, 'pf', 1, 0, 0)
reload(c, 'pf', 1, [ent(0, 8, 'linear', '/dev//wd1d 800'), ent(8, 8, 'linear', '/dev//wd1d 900')])
resume(c, 'pf', 1)
table(c, 'pf', 1, 0x30, [ent(0, 8, 'linear', UD1 + ' 800', 1), ent(8, 8, 'linear', UD1 + ' 900', 1)])
deps(c, 'pf', 1, [DT1])
c.write(mapper('pf'), 0, 512, 60, 0, 0)
c.read(RWD1D, 800, 512, 0, 0, pattern(60, 512))
c.open_fail('read', WD1D, 800, 512, 16)

c = case('io/stacked_dm_device', """
Stacking (issue 12). libdm makes /dev/mapper/NAME a block node of the dm major (169 on amd64),
minor = the device's minor, and dm_pdev_insert opens it with vn_bdev_openpath like any disk
(dm_pdev.c 1.23): a dm device can be the component of another table. s maps 32 sectors of z at
offset 8; z maps wd1d from 100, so s's sector 0 is wd1d's sector 108. udev_name is "169:1", deps
reports makedev(169, 1) = 0xa901. While s's pdev holds z's block node, '% read /dev/mapper/z'
cannot open it (spec_open: EBUSY) and 'remove z' fails in dm_detach (dk_openmask != 0: EBUSY,
reply unchanged). After s is removed (its pdev closed, dmclose clears the open bit) z goes.""")
device(c, 'z', 1, [ent(0, 64, 'linear', WD1D + ' 100')])
device(c, 's', 2, [ent(0, 32, 'linear', '/dev/mapper/z 8')])
table(c, 's', 2, 0x30, [ent(0, 32, 'linear', '169:1 8', 1)])
deps(c, 's', 2, [U(0xa901)])
c.write(mapper('s'), 0, 1024, 44, 0, 0)
c.read(RWD1D, 108, 1024, 0, 0, pattern(44, 1024))
c.read(mapper('s'), 0, 1024, 0, 0, pattern(44, 1024))
c.open_fail('read', mapper('z'), 8, 512, 16)
req = R('remove', cmd_data=[], flags=U(4), name='z')
c.io(req, reply(req))
names(c, [('z', 1), ('s', 2)])
req = R('remove', cmd_data=[], flags=U(4), name='s')
c.io(req, reply(req))
req = R('remove', cmd_data=[], flags=U(4), name='z')
c.io(req, reply(req))
names(c, [])

c = case('io/stacked_on_device_without_table', """
A dm device with no table is a block device of size 0: the open succeeds (dmopen always
returns 0), getdisksize gets DIOCGWEDGEINFO size 0 and fails (EINVAL, ignored by
dm_pdev_insert: pdev_numsec = pdev_secsize = 0), so the load succeeds. A read through the upper
device reaches the empty device at EOF: the nested buf comes back short, nestiobuf_iodone turns
that into EIO for the whole buf. The empty device's block node is held by u's pdev, so it cannot
be opened for '% read' (EBUSY).""")
create(c, 'e', 1)
device(c, 'u', 2, [ent(0, 8, 'linear', '/dev/mapper/e 0')])
c.read(mapper('u'), 0, 512, 5, 512)
c.open_fail('read', mapper('e'), 0, 512, 16)

c = case('reload/self_reference_loads', """
A table that names its own device (issue 12: what NetBSD does). dm_table_load_ioctl holds no lock
that dm_pdev_insert's open of /dev/mapper/c needs (dm_dev_lookup only takes a busy reference;
dmopen sets dk_bopenmask and returns 0), so the load succeeds and resume switches it in; table
shows the pdev as 169:1. The device now holds its own block node open: 'remove' fails with EBUSY
in dm_detach until a resume replaces the table. (I/O on such a device recurses through
dmstrategy until NetBSD's kernel stack overflows; dmemu fails it with EIO instead -- a
documented difference, not part of this case.)""")
device(c, 'c', 1, [ent(0, 16, 'linear', '/dev/mapper/c 0')])
table(c, 'c', 1, 0x30, [ent(0, 16, 'linear', '169:1 0', 1)])
req = R('remove', cmd_data=[], flags=U(4), name='c')
c.io(req, reply(req))
info(c, 'c', 1, 0x20, 1)
reload(c, 'c', 1, [ent(0, 16, 'zero', '')])
resume(c, 'c', 1)
c.io(req, reply(req))
names(c, [])

c = case('io/block_node_held', """
spec_vnops.c spec_open (NetBSD 10), VBLK: "permit only one open" -- sd_opencnt != 0 -> EBUSY,
counted per device number, whatever path names it. dm_pdev_insert holds every pdev's block
device open (vn_bdev_openpath), so while table 'h' uses /dev/wd1d the block node cannot be
opened (% read and % write print 'open errno 16 EBUSY', also through '/dev//wd1d'), while the raw
node /dev/rwd1d (another device number, a character device: any number of opens) reads the data.
Another partition (wd1a, another minor) is free. After remove (dm_pdev_decr -> vn_close) the
block node opens again.""")
device(c, 'h', 1, [ent(0, 16, 'linear', WD1D + ' 100')])
c.write(mapper('h'), 0, 1024, 33, 0, 0)
c.open_fail('read', WD1D, 100, 1024, 16)
c.open_fail('read', '/dev//wd1d', 100, 1024, 16)
c.open_fail('write', WD1D, 100, 512, 16, seed=9)
c.read(RWD1D, 100, 1024, 0, 0, pattern(33, 1024))
c.read('/dev/wd1a', 0, 512, 0, 0)
req = R('remove', name='h')
c.io(req, reply(req))
c.read(WD1D, 100, 1024, 0, 0, pattern(33, 1024))

# ============================ fourth batch: replay options ====================================

c = case('targets/extra_delay', """
--targets delay (KernelConfig.extraTargets): dm_target_delay.c 1.2 registers "delay" 1.0.0 after
the builtins (dm_target_insert appends). Params: 3 or 6 tokens (else EINVAL). table hook:
"<udev> <offset> <ticks>" per triple with ticks = ms·hz/1000 (amd64 hz 100: 10 ms → 1); no info
hook → status params "". With 0 ms a buf is submitted at once (reads use the first triple,
writes the second). deps lists both pdevs (dm_table_add_deps).""", args=['--targets delay'])
req = R('targets')
c.io(req, reply(req, cmd_data=TARGETS + [{'name': 'delay', 'ver': [U(1), U(0), U(0)]}]))
create(c, 'd', 1)
req = R('reload', name='d', cmd_data=[ent(0, 64, 'delay', WD1D + ' 100 0 ' + WD0D)])
c.io(req, reply(req, minor=U(1)))
reload(c, 'd', 1, [ent(0, 64, 'delay', WD1D + ' 100 10')])
resume(c, 'd', 1)
table(c, 'd', 1, 0x30, [ent(0, 64, 'delay', UD1 + ' 100 1', 1)])
req = R('status', name='d')
c.io(req, reply(req, minor=U(1), flags=U(0x20), cmd_data=[ent(0, 64, 'delay', '', 1)]))
deps(c, 'd', 1, [DT1])
reload(c, 'd', 1, [ent(0, 64, 'delay', '%s 100 0 %s 200 0' % (WD1D, WD0D))])
resume(c, 'd', 1)
table(c, 'd', 1, 0x30, [ent(0, 64, 'delay', '%s 100 0 %s 200 0' % (UD1, UD0), 0)])
deps(c, 'd', 1, [DT1, DT0])
c.write(mapper('d'), 0, 1024, 70, 0, 0)
c.read(RWD0D, 200, 1024, 0, 0, pattern(70, 1024))
c.read(RWD1D, 100, 1024, 0, 0)
c.read(mapper('d'), 0, 1024, 0, 0)

c = case('io/disk_option_units', """
--disk wd2=mem:1M: only wd2 exists (2048 sectors). wd2d = makedev(0, 2·16+3) = 0x23, "0:35".
A table naming /dev/wd1d fails (no such disk → ENOENT); linear on wd2d at 100 up to the disk's
end works, EOF at its end.""", args=['--disk wd2=mem:1M'])
create(c, 'u', 1)
req = R('reload', name='u', cmd_data=[ent(0, 8, 'linear', WD1D + ' 0')])
c.io(req, reply(req, minor=U(1)))
reload(c, 'u', 1, [ent(0, 1948, 'linear', '/dev/wd2d 100')])
resume(c, 'u', 1)
deps(c, 'u', 1, [U(0x23)])
table(c, 'u', 1, 0x30, [ent(0, 1948, 'linear', '0:35 100', 1)])
c.write(mapper('u'), 1940, 4096, 80, 0, 0)
c.read('/dev/rwd2d', 2040, 4096, 0, 0, pattern(80, 4096))
c.read(mapper('u'), 1948, 512, 0, 512)
c.read('/dev/rwd2d', 2048, 512, 0, 512)

c = case('io/secsize_4096', """
--disk wd1=mem:1M,secsize=4096: b_blkno stays in DEV_BSIZE (512-byte) units everywhere; linear
offset 8 (DEV_BSIZE) = byte 4096 = the disk's second 4 KiB sector. Aligned 4 KiB transfers land
there and read back through the raw node at blkno 8.""", args=['--disk wd1=mem:1M,secsize=4096'])
device(c, 's', 1, [ent(0, 1024, 'linear', WD1D + ' 8')])
table(c, 's', 1, 0x30, [ent(0, 1024, 'linear', UD1 + ' 8', 1)])
c.write(mapper('s'), 0, 4096, 90, 0, 0)
c.read(RWD1D, 8, 4096, 0, 0, pattern(90, 4096))
c.read(mapper('s'), 0, 8192, 0, 0, pattern(90, 4096))
c.read(RWD1D, 0, 4096, 0, 0)

# ============================ fifth batch =====================================================

c = case('version/not_an_array', """
dm-driver §2.3 emulator rule: version present but not an array (string, number, dict) → the
element getters fail → 0 → EIO, request echoed; an array of strings likewise.""")
for v in ('4.0.0', U(4), {'major': U(4)}, ['4', '0', '0']):
    req = R('version', version=v)
    c.io(req, echo(req))

c = case('reload/missing_cmd_data', """
dm-driver §3.12 step 4 [I] emulator rule: a reload without cmd_data loads an empty table
(success, flags 0x40, device flag 0x40 → suspend shows 0x46).""")
create(c, 'e', 1)
req = R('reload', name='e')
c.io(req, reply(req, minor=U(1), flags=U(0x40)))
req = R('suspend', flags=U(2), name='e')
c.io(req, reply(req, open_count=U(0), flags=U(0x46), minor=U(1)))

c = case('info/name_beats_uuid', """
dm-driver §3.0: the name step comes before the uuid step: {name a, uuid UB} finds a even though
UB is b's uuid; {name "", uuid UB} finds b (empty names never match).""")
create(c, 'a', 1, uuid='UA')
create(c, 'b', 2, uuid='UB')
req = R('info', name='a', uuid='UB')
c.io(req, reply(req, open_count=U(0), minor=U(1), uuid='UA', flags=U(0), target_count=U(0)))
req = R('info', name='', uuid='UB')
c.io(req, reply(req, open_count=U(0), minor=U(2), uuid='UB', flags=U(0), target_count=U(0)))
req = R('info', name='', uuid='')
c.io(req, reply(req, flags=U(0)))


# ============================ sixth batch: copy-in parsing through the driver =================

c = case('errors/integer_forms', """
proplib-xml.md §3.6 kernel column, observed through dm: flags 017 is octal 15 (signed) → create
reply 0xf (15|0x4, &~0x40; READONLY stored → suspend 0x7); values the handler does not rewrite
keep the parsed signedness: ' 0x10' (leading blank) → signed 16, '+7' → 7, empty → 0, '-0x10' →
-16, '0X1F' → signed 31.""")
raw = ('<plist version="1.0"><dict><key>command</key><string>create</string>'
       '<key>flags</key><integer>017</integer><key>name</key><string>a</string>'
       '<key>version</key><array><integer>0x4</integer><integer>0x0</integer>'
       '<integer>0x0</integer></array></dict></plist>\n')
c.io(raw, reply({'command': 'create', 'name': 'a', 'version': list(V)}, flags=U(0xf), minor=U(1)))
req = R('suspend', name='a')
c.io(req, reply(req, open_count=U(0), flags=U(0x7), minor=U(1)))
raw = ('<plist version="1.0"><dict><key>command</key><string>version</string>'
       '<key>a</key><integer> 0x10</integer><key>b</key><integer>+7</integer>'
       '<key>c</key><integer></integer><key>d</key><integer>-0x10</integer>'
       '<key>e</key><integer>0X1F</integer><key>f</key><integer>\n\t42\n</integer>'
       '<key>version</key><array><integer>4</integer><integer>0</integer>'
       '<integer>0</integer></array></dict></plist>\n')
c.io(raw, reply({'command': 'version', 'a': I(16), 'b': I(7), 'c': I(0), 'd': I(-16), 'e': I(31),
                 'f': I(42), 'version': list(V)}))

K128 = 'k' * 127 + '&'
c = case('errors/odd_keys', """
proplib-xml.md §1.3/§3.5: the empty key is accepted and echoed as <key></key>; a key of 128
decoded bytes (127 + '&amp;') is accepted, 129 fails the copy-in (EIO); deep nesting (40 arrays)
is echoed with one tab per level.""")
deep = 'x'
for _ in range(40):
    deep = [deep]
req = R('version', **{'': 'empty key', K128: U(1), 'deep': deep})
c.io(req, reply(req))
raw = ('<plist version="1.0"><dict><key>' + 'k' * 128 + '&amp;</key><true/>'
       '<key>command</key><string>version</string></dict></plist>\n')
c.io(raw, 5)

c = case('io/partial_sector', """
dm-driver §8.3 works in bytes: a 100-byte read of a zero device succeeds (the bounds check rounds
up to one sector). The disk drivers take whole sectors only (wdstrategy/dk_translate: b_bcount %
secsize != 0 → EINVAL), so the same read through a linear entry fails with the disk's EINVAL,
resid = bcount, and so does a 100-byte read of the raw disk node.""")
device(c, 'z', 1, [ent(0, 8, 'zero', '')])
device(c, 'l', 2, [ent(0, 8, 'linear', WD1D + ' 100')])
c.read(mapper('z'), 0, 100, 0, 0)
c.read(mapper('z'), 8, 100, 0, 100)
c.read(mapper('l'), 0, 100, 22, 100)
c.read(RWD1D, 0, 100, 22, 100)

c = case('io/many_entries', """
dm-driver §8.3 step 5 on a sorted, disjoint table of 64 entries of 8 sectors (even entries
linear → wd1d 5000 + 100·i, odd entries zero) plus a zero-length error entry at 512 (never
overlaps anything: empty byte range). A write of sectors 4..91 spans entries 0..11; each linear
piece lands at its own pdev offset (checked on the raw disk), zero pieces vanish; reading back
gives the pattern in linear pieces and zeros elsewhere. 512 (= Σ lengths) is EOF.""")
ents = []
for i in range(64):
    if i % 2 == 0:
        ents.append(ent(8 * i, 8, 'linear', '%s %d' % (WD1D, 5000 + 100 * i)))
    else:
        ents.append(ent(8 * i, 8, 'zero', ''))
ents.append(ent(512, 0, 'error', ''))
device(c, 'me', 1, ents)
W = pattern(33, 88 * 512)
c.write(mapper('me'), 4, 88 * 512, 33, 0, 0)
expect = b''
for s_ in range(4, 92):
    i, local = divmod(s_, 8)
    piece = W[(s_ - 4) * 512:(s_ - 3) * 512]
    expect += piece if i % 2 == 0 else bytes(512)
c.read(mapper('me'), 4, 88 * 512, 0, 0, expect)
c.read(RWD1D, 5000, 4096, 0, 0, bytes(2048) + W[0:2048])
c.read(RWD1D, 5200, 4096, 0, 0, W[(16 - 4) * 512:(24 - 4) * 512])
c.read(RWD1D, 6000, 4096, 0, 0, W[(80 - 4) * 512:(88 - 4) * 512])
c.read(RWD1D, 6200, 4096, 0, 0)
c.read(mapper('me'), 511, 512, 0, 0)
c.read(mapper('me'), 512, 512, 0, 512)

c = case('io/sorted_table_with_hole', """
dm-driver §8.3 / quirk 11 on a sorted table with a gap: linear 0..8 → wd1d 5500, zero 16..24.
Size = 16: sector 8 is a hole (EINVAL), 15 too, 16 is EOF although the zero entry starts there;
a read of 4..12 transfers the linear part and fails the whole request with EINVAL.""")
device(c, 'sh', 1, [ent(0, 8, 'linear', WD1D + ' 5500'), ent(16, 8, 'zero', '')])
c.write(RWD1D, 5500, 4096, 44, 0, 0)
c.read(mapper('sh'), 8, 512, 22, 512)
c.read(mapper('sh'), 15, 512, 22, 512)
c.read(mapper('sh'), 16, 512, 0, 512)
c.read(mapper('sh'), 4, 4096, 22, 4096, pattern(44, 4096)[2048:])
c.read(mapper('sh'), 0, 4096, 0, 0, pattern(44, 4096))

def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    seen = set()
    for k in CASES:
        assert k.path not in seen, k.path
        seen.add(k.path)
        k.save(root)
    print('%d cases' % len(CASES), file=sys.stderr)


if __name__ == '__main__':
    main()
