"""Writes the issue-10 replay examples of docs/examples (multipath, snapshot, mirror) from
request dictionaries, with the same libprop layout as the golden corpus. Their --trace output
(docs/examples/*.trace) is produced by `dmemu replay --trace` and kept true by
Issue10ExamplesTest. Run: python3 examples10.py
"""
import os

from golden import R, plist, U

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', '..', '..', 'docs',
                   'examples')


def ent(start, length, typ, params):
    return {'start': U(start), 'length': U(length), 'type': typ, 'params': params}


def dev(items, name, *entries):
    items.append(R('create', name=name))
    items.append(R('reload', name=name, cmd_data=list(entries)))
    items.append(R('resume', name=name))


def write(path, header, items):
    with open(os.path.join(OUT, path), 'w', newline='\n') as f:
        f.write(header)
        for it in items:
            f.write(it if isinstance(it, str) else plist(it))


# ---- multipath ------------------------------------------------------------------------------
m = []
up = '/dev/wd1d 0 1 0'      # flakey, always up: a plain path to wd1
down = '/dev/wd1d 0 0 1'    # flakey, always down: every I/O fails with EIO
dev(m, 'p0', ent(0, 2048, 'flakey', up))
dev(m, 'p1', ent(0, 2048, 'flakey', up))
dev(m, 'mp', ent(0, 2048, 'multipath', '0 0 1 1 round-robin 0 2 1 /dev/mapper/p0 1 /dev/mapper/p1 1'))
m.append('% write /dev/mapper/mp 0 1024 7\n')
m.append('% read /dev/mapper/mp 0 1024\n')
m.append('# path p0 dies: the next buf sent to it fails, the path is failed, the buf goes to p1\n')
m.append(R('reload', name='p0', cmd_data=[ent(0, 2048, 'flakey', down)]))
m.append(R('resume', name='p0'))
m.append('% read /dev/mapper/mp 0 1024\n')
m.append(R('status', name='mp'))
m.append('# p0 comes back; the message command reinstates it\n')
m.append(R('reload', name='p0', cmd_data=[ent(0, 2048, 'flakey', up)]))
m.append(R('resume', name='p0'))
m.append(R('message', name='mp', sector=U(0), message='reinstate_path /dev/mapper/p0'))
m.append('% read /dev/mapper/mp 0 1024\n')
m.append(R('status', name='mp'))
write('multipath.replay', '# multipath over two flakey paths: fail-over and reinstatement.\n'
      '# ./dmemu replay --targets flakey,multipath --trace docs/examples/multipath.replay\n', m)

# ---- snapshot -------------------------------------------------------------------------------
s = []
dev(s, 'origin', ent(0, 8192, 'snapshot-origin', '/dev/wd0d'))
s.append('% write /dev/mapper/origin 96 4096 30\n')
s.append(R('suspend', name='origin'))
dev(s, 'snap', ent(0, 8192, 'snapshot', '/dev/wd0d /dev/wd1d P 8'))
s.append(R('reload', name='origin', cmd_data=[ent(0, 8192, 'snapshot-origin', '/dev/wd0d')]))
s.append(R('resume', name='origin'))
s.append('# the first write to chunk 12 (sectors 96-103) copies it to the COW device first\n')
s.append('% write /dev/mapper/origin 100 1024 31\n')
s.append('% write /dev/mapper/origin 100 1024 32\n')
s.append('% read /dev/mapper/snap 96 4096\n')
s.append('% read /dev/mapper/origin 96 4096\n')
s.append(R('status', name='snap'))
s.append('# Linux\'s layout on the COW device: the SnAp header, area 0, the copied chunk\n')
s.append('% read /dev/rwd1d 0 512\n')
s.append('% read /dev/rwd1d 8 512\n')
s.append('% read /dev/rwd1d 16 4096\n')
write('snapshot.replay', '# snapshot of a live origin: suspend, load the snapshot, reload the origin, resume.\n'
      '# ./dmemu replay --targets snapshot --trace docs/examples/snapshot.replay\n', s)

# ---- mirror ---------------------------------------------------------------------------------
r = []
r.append('% write /dev/rwd0d 0 131072 3\n')
dev(r, 'm', ent(0, 256, 'mirror', 'core 1 64 2 /dev/wd0d 0 /dev/wd1d 0 1 handle_errors'))
r.append('# region 2 is not in sync yet: the write goes to both legs, the read to the default leg\n')
r.append('% write /dev/mapper/m 130 1024 40\n')
r.append('% read /dev/mapper/m 130 1024\n')
r.append(R('table', name='m', flags=U(0x10)))
r.append(R('status', name='m'))
write('mirror.replay', '# mirror of wd0d and wd1d with a core log: resume starts the background resync, whose\n'
      '# trace lines start with [kmirrord] (their place among the others depends on timing). The rate\n'
      '# bound of 16 sectors a second copies region 0 at once and the next region 4 s later:\n'
      '# DMEMU_JAVA_OPTS=-Ddmemu.mirror.resync-rate=16 ./dmemu replay --targets mirror --trace docs/examples/mirror.replay\n', r)
