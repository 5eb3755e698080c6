#!/usr/bin/env python3
"""Smoke check: run tracehound-loader as root, drive a workload, decode the
frames and check the expected records and fields. Prints PASS/FAIL per check
and exits non-zero when any check fails. Needs root and a built loader."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import decode  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LOADER = os.environ.get("TH_LOADER", os.path.join(HERE, "..", ".output", "tracehound-loader"))

events = []
lock = threading.Lock()
results = []


def reader(pipe):
    for fr in decode.frames(pipe):
        ev = decode.decode(fr)  # raises on a corrupt frame: the test fails
        with lock:
            events.append(ev)


def check(name, ok, detail=""):
    results.append((name, bool(ok)))
    print("%s  %s%s" % ("PASS" if ok else "FAIL", name, ("  -- " + detail) if detail and not ok else ""))


def find(pred, timeout=3.0):
    end = time.time() + timeout
    while time.time() < end:
        with lock:
            for e in events:
                try:
                    if pred(e):
                        return e
                except (KeyError, TypeError, IndexError):
                    pass
        time.sleep(0.05)
    return None


def cmd(proc, line):
    proc.stdin.write(line.encode() + b"\n")
    proc.stdin.flush()


def run(*argv, **kw):
    p = subprocess.Popen(list(argv), **kw)
    p.wait()
    return p.pid


def main():
    if os.geteuid() != 0:
        print("smoke: needs root")
        return 2
    ld = subprocess.Popen([LOADER, "--stats-interval", "1"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=open("/tmp/th-smoke.stderr", "w"))
    t = threading.Thread(target=reader, args=(ld.stdout,), daemon=True)
    t.start()
    hello = find(lambda e: e["kind"] == "hello", 20)
    check("hello record first", hello and events[0]["kind"] == "hello" and hello["hdr_size"] == 104)
    check("clock record (boottime->realtime offset)",
          find(lambda e: e["kind"] == "clock" and abs(e["offset_ns"] + e["ts_ns"] - time.time_ns()) < 5e9))
    find(lambda e: e["kind"] == "prog_status" and e["ps_flags"] & 1, 10)
    time.sleep(1.0)  # attach completes before "running"
    tmp = tempfile.mkdtemp(prefix="thsmoke-")

    # 1. exec with args: raw bytes, spaces, newline, non-UTF-8
    odd = b"odd\n\xff\xfe arg"
    pid = run("/bin/echo", "hello", "arg with space", odd, stdout=subprocess.DEVNULL)
    e = find(lambda e: e["kind"] == "exec" and e["pid"] == pid)
    check("exec: argv raw bytes", e and e["argv"] == b"/bin/echo\0hello\0arg with space\0" + odd + b"\0",
          repr(e and e["argv"]))
    check("exec: filename/exe/cwd/argc", e and e["filename"] == b"/bin/echo" and e["exe"].endswith(b"/echo")
          and e["cwd"] == os.getcwd().encode() and e["argc"] == 4 and e["ppid"] == os.getpid(),
          repr(e and (e["filename"], e["exe"], e["cwd"], e["argc"])))
    check("fork: parent->child record", find(lambda e: e["kind"] == "fork" and e["child_pid"] == pid
                                             and e["pid"] == os.getpid() and e["fork_flags"] & 1))
    x = find(lambda e: e["kind"] == "exit" and e["pid"] == pid)
    check("exit: record with status", x and x["status"] == 0 and x["signo"] == 0)
    child = os.fork()
    if child == 0:
        os._exit(0)
    os.waitpid(child, 0)
    f = find(lambda e: e["kind"] == "fork" and e["child_pid"] == child)
    check("fork: clone flags of a plain fork (SIGCHLD, no CLONE_VM)",
          f and f["fork_flags"] & 1 and f["clone_flags"] & 0xff == 17 and not f["clone_flags"] & 0x100,
          repr(f and (f["fork_flags"], hex(f["clone_flags"]))))
    pid = run("/bin/sh", "-c", "exit 7")
    check("exit: status 7", find(lambda e: e["kind"] == "exit" and e["pid"] == pid and e["status"] == 7))
    pid = run("/bin/sh", "-c", "kill -9 $$")
    check("exit: killed by signal 9", find(lambda e: e["kind"] == "exit" and e["pid"] == pid and e["signo"] == 9))

    # 2. long argv is truncated with a flag, framing intact
    pid = run("/bin/true", "A" * 3000)
    e = find(lambda e: e["kind"] == "exec" and e["pid"] == pid)
    check("exec: long argv truncated at 1024 with flag", e and len(e["argv"]) == 1024 and e["argv_flags"] & 1)

    # 3. sensitive read + ancestry trailer
    pid = run("/bin/cat", "/etc/shadow", stdout=subprocess.DEVNULL)
    e = find(lambda e: e["kind"] == "file_open" and e["pid"] == pid and e["path"] == b"/etc/shadow")
    check("file_open /etc/shadow (read class, fd result)", e and e["match"] & 1 and e["ret"] >= 0 and e["ino"] > 0)
    anc = e and e.get("ancestry")
    check("ancestry: self, parent and grandparent with exe/args",
          anc and len(anc) >= 3 and anc[0]["pid"] == pid and anc[0]["exe"].endswith(b"/cat")
          and anc[0]["args"] == b"/bin/cat\0/etc/shadow\0" and anc[1]["pid"] == os.getpid()
          and anc[2]["pid"] == os.getppid() and len(anc[1]["exe"]) > 0,
          repr(anc and [(a["pid"], a["comm"], a["exe"]) for a in anc]))
    # relative path resolved against the cwd
    pid = run("/bin/cat", "shadow", cwd="/etc", stdout=subprocess.DEVNULL)
    check("file_open relative path made absolute",
          find(lambda e: e["kind"] == "file_open" and e["pid"] == pid and e["path"] == b"/etc/shadow"
               and e["file_flags"] & 1))
    # read of a non-sensitive file is not reported
    pid = run("/bin/cat", "/etc/hostname", stdout=subprocess.DEVNULL)
    time.sleep(0.3)
    check("file_open: /etc/hostname read filtered in kernel",
          not find(lambda e: e["kind"] == "file_open" and e["pid"] == pid and e["path"] == b"/etc/hostname", 0.5))
    # write-class under /tmp, rename, unlink, chmod u+s, symlink
    p = os.path.join(tmp, "w.txt")
    pid = run("/bin/sh", "-c", "echo x > %s; mv %s %s.2; chmod 4755 %s.2; ln -s /etc/shadow %s/l; rm %s.2" % (p, p, p, p, tmp, p))
    check("file_open write under /tmp", find(lambda e: e["kind"] == "file_open" and e["path"] == p.encode() and e["match"] & 2))
    check("file_rename old/new", find(lambda e: e["kind"] == "file_rename" and e["path"] == p.encode() and e["path2"] == (p + ".2").encode()))
    check("file_chmod setuid bit flagged", find(lambda e: e["kind"] == "file_chmod" and e["path"] == (p + ".2").encode() and e["match"] & 4 and e["mode"] & 0o4000))
    check("file_symlink link+target", find(lambda e: e["kind"] == "file_symlink" and e["path"] == (tmp + "/l").encode() and e["path2"] == b"/etc/shadow"))
    check("file_unlink", find(lambda e: e["kind"] == "file_unlink" and e["path"] == (p + ".2").encode() and e["ret"] == 0))

    # 4. TCP listen / connect / accept on 127.0.0.1
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    check("listen with local port", find(lambda e: e["kind"] == "listen" and e["pid"] == os.getpid() and e["sk"]["sport"] == port))
    pid = run(sys.executable, "-c", "import socket; s=socket.create_connection(('127.0.0.1', %d)); s.close()" % port)
    c, _ = srv.accept()
    c.close()
    e = find(lambda e: e["kind"] == "tcp_connect" and e["pid"] == pid)
    check("tcp_connect 127.0.0.1:port (SYN_SENT)", e and e["sk"]["daddr"] == "127.0.0.1" and e["sk"]["dport"] == port and e["sk"]["family"] == 2,
          repr(e and e["sk"]))
    e = find(lambda e: e["kind"] == "tcp_accept" and e["pid"] == os.getpid())
    check("tcp_accept in the accepting process", e and e["sk"]["sport"] == port and e["sk"]["daddr"] == "127.0.0.1", repr(e and e["sk"]))
    # UDP connect and AF_UNIX connect (non-TCP connect records)
    pid = run(sys.executable, "-c", "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(('127.0.0.1', 9))")
    check("connect (UDP) destination", find(lambda e: e["kind"] == "connect" and e["pid"] == pid and e["sk"]["dport"] == 9 and e["sk"]["daddr"] == "127.0.0.1"))
    upath = os.path.join(tmp, "u.sock")
    us = socket.socket(socket.AF_UNIX)
    us.bind(upath)
    us.listen(1)
    pid = run(sys.executable, "-c", "import socket; s=socket.socket(socket.AF_UNIX); s.connect(%r)" % upath)
    check("connect (AF_UNIX) path", find(lambda e: e["kind"] == "connect" and e["pid"] == pid and e["unix_path"] == upath.encode()))
    us.close()

    # 5. dup2 of a socket onto stdout (reverse-shell shape)
    pid = run(sys.executable, "-c", "import socket,os; s=socket.create_connection(('127.0.0.1', %d)); os.dup2(s.fileno(), 1)" % port)
    c, _ = srv.accept()
    c.close()
    e = find(lambda e: e["kind"] == "dup_socket" and e["pid"] == pid)
    check("dup_socket onto fd 1 with peer address", e and e["newfd"] == 1 and e["sk"]["dport"] == port and e["sk"]["daddr"] == "127.0.0.1", repr(e))
    srv.close()

    # 6. unshare -n
    pid = run("unshare", "-n", "true")
    e = find(lambda e: e["kind"] == "ns" and e["pid"] == pid and e["op"] == 1)
    check("ns: unshare(CLONE_NEWNET) old/new net ns", e and e["ns_flags"] & 0x40000000 and e["ret"] == 0
          and e["old_ns"][3] != e["new_ns"][3] and e["new_ns"][3] == e["net_ns"], repr(e and (e["old_ns"], e["new_ns"])))

    # 7. setuid helper
    pid = run(sys.executable, "-c", "import os; os.setresuid(65534, 65534, 65534)")
    e = find(lambda e: e["kind"] == "setid" and e["pid"] == pid and e["op"] == 5)
    check("setid: setresuid old 0 -> new 65534", e and e["ret"] == 0 and e["old_ids"][0] == 0 and e["new_ids"][:4] == (65534,) * 4, repr(e))

    # 8. memfd exec
    code = ("import os,shutil\nfd=os.memfd_create('thsmoke',0)\n"
            "shutil.copyfileobj(open('/bin/true','rb'), open(fd,'wb',closefd=False))\n"
            "os.execve('/proc/self/fd/%d' % fd, ['thsmoke-memfd'], {})\n")
    pid = run(sys.executable, "-c", code)
    check("memfd_create name", find(lambda e: e["kind"] == "memfd" and e["pid"] == pid and e["name"] == b"thsmoke" and e["ret"] >= 0))
    e = find(lambda e: e["kind"] == "exec" and e["pid"] == pid and e["filename"].startswith(b"/proc/self/fd/"))
    check("exec from memfd flagged (MEMFD|DELETED|FD_PATH, exe /memfd:...)",
          e and e["exec_flags"] & 7 == 7 and e["exe"].startswith(b"/memfd:thsmoke"), repr(e and (e["exec_flags"], e["exe"], e["filename"])))

    # 9. raw / packet socket
    pid = run(sys.executable, "-c", "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)")
    check("socket AF_PACKET/SOCK_RAW flagged", find(lambda e: e["kind"] == "socket" and e["pid"] == pid and e["sock_flags"] == 3))

    # 10. mount in a private mount namespace
    mnt = os.path.join(tmp, "m")
    os.mkdir(mnt)
    pid = run("unshare", "-m", "mount", "-t", "tmpfs", "thsmoke", mnt)
    check("mount source/target/fstype", find(lambda e: e["kind"] == "mount" and e["source"] == b"thsmoke" and e["target"] == mnt.encode() and e["fstype"] == b"tmpfs"))

    # 11. ptrace attach
    pid = run(sys.executable, "-c", "import ctypes,os\nc=os.fork()\nif c==0:\n import time; time.sleep(2); os._exit(0)\nl=ctypes.CDLL(None,use_errno=True)\nl.ptrace(16,c,0,0)\nos.kill(c,9)\n")
    check("ptrace PTRACE_ATTACH with target", find(lambda e: e["kind"] == "ptrace" and e["pid"] == pid and e["request"] == 16 and e["target_pid"] > 0))

    # 12. commands: good, bad, filters take effect
    cmd(ld, "ping")
    cmd(ld, "prefix add bogus /x")
    cmd(ld, "prefix add read %s/" % tmp)
    cmd(ld, "frobnicate")
    r1 = find(lambda e: e["kind"] == "cmd_reply" and e["seq"] == 1)
    r2 = find(lambda e: e["kind"] == "cmd_reply" and e["seq"] == 2)
    r4 = find(lambda e: e["kind"] == "cmd_reply" and e["seq"] == 4)
    check("cmd ping ok", r1 and r1["status"] == 0)
    check("cmd invalid class refused with reason", r2 and r2["status"] != 0 and b"usage" in r2["text"])
    check("cmd unknown refused", r4 and r4["status"] != 0)
    f = os.path.join(tmp, "r.txt")
    open(f, "w").close()
    time.sleep(0.2)
    pid = run("/bin/cat", f)
    check("runtime prefix add: read under new prefix reported", find(lambda e: e["kind"] == "file_open" and e["pid"] == pid and e["path"] == f.encode()))
    cmd(ld, "comm deny thsmokecat")
    find(lambda e: e["kind"] == "cmd_reply" and e["seq"] == 5)
    os.symlink("/bin/cat", os.path.join(tmp, "thsmokecat"))
    pid = run(os.path.join(tmp, "thsmokecat"), "/etc/shadow", stdout=subprocess.DEVNULL)
    check("comm deny filter drops the process's events",
          not find(lambda e: e["pid"] == pid and e["kind"] in ("file_open", "exec"), 1.0))
    cmd(ld, "ignore_pid %d" % os.getpid())
    find(lambda e: e["kind"] == "cmd_reply" and e["seq"] == 6)
    open("/etc/shadow").close()
    check("ignore_pid drops this process's events",
          not find(lambda e: e["pid"] == os.getpid() and e["kind"] == "file_open" and e["ts_ns"] > r4["ts_ns"], 1.0))

    # 13. stats
    cmd(ld, "stats")
    s = find(lambda e: e["kind"] == "stats" and e["emitted"].get("exec", 0) > 0)
    check("stats: per-type emitted counts", s, repr(s))
    if s:
        print("      emitted:", s["emitted"], "dropped:", s["dropped"], "proc table:", s["proc_table_size"])

    # 14. clean shutdown
    ld.send_signal(signal.SIGTERM)
    rc = ld.wait(10)
    t.join(5)
    check("SIGTERM -> exit 0, stream ends on a frame boundary", rc == 0 and not t.is_alive())
    subprocess.run(["rm", "-rf", tmp])
    failed = [n for n, ok in results if not ok]
    print("\n%d/%d checks passed" % (len(results) - len(failed), len(results)))
    kinds = sorted({e["kind"] for e in events})
    print("record kinds seen:", ", ".join(kinds))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
