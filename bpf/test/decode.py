#!/usr/bin/env python3
"""Reference decoder for tracehound-loader frames (tests only; the production
decoder is TypeScript). Offsets must match bpf/events.h."""
import struct, sys

EV = {1: "exec", 2: "exit", 3: "fork", 4: "file_open", 5: "file_unlink", 6: "file_rename",
      7: "file_chmod", 8: "file_link", 9: "file_symlink", 10: "tcp_connect", 11: "tcp_accept",
      12: "listen", 13: "connect", 14: "socket", 15: "setid", 16: "capset", 17: "cap_check",
      18: "ptrace", 19: "module", 20: "mount", 21: "ns", 22: "memfd", 23: "dup_socket", 24: "bpf",
      100: "stats", 101: "clock", 102: "cmd_reply", 103: "prog_status", 104: "hello"}

HDR = struct.Struct("<IIQIIIIIIIIQIIIIIIQ16s")  # 104 bytes
assert HDR.size == 104


def cstr(b):
    return b.split(b"\0", 1)[0]


def sstr(rec, desc_off, buf_off):
    ln, fl = struct.unpack_from("<HH", rec, desc_off)
    return rec[buf_off:buf_off + ln], fl


def u32(r, o): return struct.unpack_from("<I", r, o)[0]
def s32(r, o): return struct.unpack_from("<i", r, o)[0]
def u64(r, o): return struct.unpack_from("<Q", r, o)[0]
def s64(r, o): return struct.unpack_from("<q", r, o)[0]


def sockinfo(r, o):
    fam, proto, sport, dport, typ, state = struct.unpack_from("<HHHHII", r, o)
    sa, da = r[o + 16:o + 32], r[o + 32:o + 48]
    if fam == 2:
        sa, da = ".".join(map(str, sa[:4])), ".".join(map(str, da[:4]))
    elif fam == 10:
        sa, da = sa.hex(), da.hex()
    else:
        sa = da = ""
    return dict(family=fam, protocol=proto, sport=sport, dport=dport, type=typ, state=state,
                saddr=sa, daddr=da)


def decode_body(t, r):
    d = {}
    if t == 1:
        d.update(old_pid=u32(r, 104), argc=u32(r, 108), exec_flags=u32(r, 112),
                 tty_major=u32(r, 116), tty_minor=u32(r, 120), exe_mode=u32(r, 124),
                 exe_ino=u64(r, 144), tty=cstr(r[160:192]))
        d["filename"], d["filename_flags"] = sstr(r, 128, 192)
        d["argv"], d["argv_flags"] = sstr(r, 132, 448)
        d["exe"], d["exe_flags"] = sstr(r, 136, 1472)
        d["cwd"], d["cwd_flags"] = sstr(r, 140, 1728)
    elif t == 2:
        d.update(exit_code=u32(r, 104), status=u32(r, 108), signo=u32(r, 112), core=u32(r, 116))
    elif t == 3:
        d.update(child_pid=u32(r, 104), child_tid=u32(r, 108), clone_flags=u64(r, 112),
                 child_start_ns=u64(r, 120), fork_flags=u32(r, 128))
    elif 4 <= t <= 9:
        d.update(ret=s64(r, 104), nr=u32(r, 112), open_flags=u32(r, 116), mode=u32(r, 120),
                 dirfd=s32(r, 124), match=u32(r, 128), file_flags=u32(r, 132), ino=u64(r, 144),
                 i_mode=u32(r, 152))
        d["path"], d["path_flags"] = sstr(r, 136, 160)
        d["path2"], d["path2_flags"] = sstr(r, 140, 416)
    elif 10 <= t <= 13:
        d.update(ret=s64(r, 104), direction=u32(r, 112), fd=s32(r, 116), backlog=u32(r, 120),
                 sk=sockinfo(r, 128))
        d["unix_path"], d["unix_path_flags"] = sstr(r, 124, 176)
    elif t == 14:
        d.update(ret=s64(r, 104), family=u32(r, 112), type=u32(r, 116), protocol=u32(r, 120),
                 sock_flags=u32(r, 124))
    elif t == 15:
        d.update(ret=s64(r, 104), op=u32(r, 112), args=struct.unpack_from("<3I", r, 116),
                 old_ids=struct.unpack_from("<8I", r, 128), new_ids=struct.unpack_from("<8I", r, 160))
    elif t == 16:
        d.update(ret=s64(r, 104), target_pid=u32(r, 112), version=u32(r, 116),
                 req=struct.unpack_from("<3Q", r, 120), old=struct.unpack_from("<3Q", r, 144),
                 new=struct.unpack_from("<3Q", r, 168))
    elif t == 17:
        d.update(cap=u32(r, 104), ret=s32(r, 108), target_user_ns=u32(r, 112), suppressed=u32(r, 116))
    elif t == 18:
        d.update(ret=s64(r, 104), request=s64(r, 112), target_pid=u32(r, 120), addr=u64(r, 128))
    elif t == 19:
        d.update(ret=s64(r, 104), op=u32(r, 112), fd=s32(r, 116), mod_flags=u32(r, 120), len=u64(r, 128))
        d["name"], _ = sstr(r, 136, 144)
        d["args"], _ = sstr(r, 140, 400)
    elif t == 20:
        d.update(ret=s64(r, 104), op=u32(r, 112), mnt_flags=u64(r, 120))
        d["source"], _ = sstr(r, 128, 144)
        d["target"], _ = sstr(r, 132, 400)
        d["fstype"], _ = sstr(r, 136, 656)
    elif t == 21:
        d.update(ret=s64(r, 104), op=u32(r, 112), fd=s32(r, 116), ns_flags=u64(r, 120),
                 target_ino=u32(r, 128), old_ns=struct.unpack_from("<8I", r, 136),
                 new_ns=struct.unpack_from("<8I", r, 168))
    elif t == 22:
        d.update(ret=s64(r, 104), mfd_flags=u32(r, 112))
        d["name"], _ = sstr(r, 116, 120)
    elif t == 23:
        d.update(ret=s64(r, 104), oldfd=u32(r, 112), newfd=u32(r, 116), dup_flags=u32(r, 120),
                 nr=u32(r, 124), sk=sockinfo(r, 128))
    elif t == 24:
        d.update(ret=s64(r, 104), cmd=u32(r, 112), attr_type=u32(r, 116), name=cstr(r[120:136]))
    elif t == 100:
        n = u32(r, 104)
        d.update(nr_types=n, interval_ms=u32(r, 108),
                 emitted={EV.get(i, i): v for i, v in enumerate(struct.unpack_from("<64Q", r, 112)) if v},
                 dropped={EV.get(i, i): v for i, v in enumerate(struct.unpack_from("<64Q", r, 624)) if v},
                 frames_out=u64(r, 1136), bytes_out=u64(r, 1144), cmds_ok=u64(r, 1152),
                 cmds_err=u64(r, 1160), proc_table_size=u64(r, 1168), proc_misses=u64(r, 1176))
    elif t == 101:
        d.update(realtime_ns=u64(r, 104), offset_ns=s64(r, 112))
    elif t == 102:
        d.update(seq=u64(r, 104), status=s32(r, 112), text=r[120:120 + u32(r, 116)])
    elif t == 103:
        d.update(err=s32(r, 104), ps_flags=u32(r, 108), name=cstr(r[112:176]), detail=cstr(r[176:304]))
    elif t == 104:
        d.update(abi_version=u32(r, 104), hdr_size=u32(r, 108), ancestors=u32(r, 112))
    return d


def decode_trailer(b):
    magic, count, size = struct.unpack_from("<IHH", b, 0)
    assert magic == 0x31434E41, hex(magic)
    assert size == len(b), (size, len(b))
    out, o = [], 8
    for _ in range(count):
        pid, ppid, start, uid, el, al, fl, _p = struct.unpack_from("<IIQIHHII", b, o)
        comm = cstr(b[o + 32:o + 48])
        exe = b[o + 48:o + 48 + el]
        args = b[o + 48 + el:o + 48 + el + al]
        out.append(dict(pid=pid, ppid=ppid, start_ns=start, uid=uid, flags=fl, comm=comm, exe=exe, args=args))
        o += (48 + el + al + 7) & ~7
    return out


def frames(f):
    while True:
        lb = f.read(4)
        if len(lb) < 4:
            return
        (n,) = struct.unpack("<I", lb)
        data = f.read(n)
        if len(data) < n:
            raise EOFError("truncated frame")
        yield data


def decode(data):
    h = HDR.unpack_from(data, 0)
    keys = ("type size ts_ns pid tid ppid uid gid euid egid loginuid cgroup_id mnt_ns pid_ns "
            "net_ns user_ns flags cpu start_ns comm").split()
    ev = dict(zip(keys, h))
    ev["comm"] = cstr(ev["comm"])
    ev["kind"] = EV.get(ev["type"], "unknown:%d" % ev["type"])
    size = ev["size"]
    assert size <= len(data), (size, len(data))
    ev.update(decode_body(ev["type"], data[:size]))
    if len(data) > size:
        ev["ancestry"] = decode_trailer(data[size:])
    return ev


if __name__ == "__main__":
    src = open(sys.argv[1], "rb") if len(sys.argv) > 1 else sys.stdin.buffer
    for fr in frames(src):
        print(decode(fr))
