#!/usr/bin/env python3
"""Safe imitations of attacker behaviour, one per action, run by `tracehound simulate`.

usage: workload.py <agent-workload.py> <cgroup.procs> <work dir> <action>

Each action may prepare something first (as the host: addresses on the loopback device of the
network namespace it runs in, a private tmpfs), then joins the imitated container's cgroup by
writing its pid to <cgroup.procs>, then acts. Nothing leaves this machine: network actions
connect to listeners of their own, inside a network namespace created for them. The memfd,
socket-dup and ptrace imitations are the agent tests' own (services/agent/test/fixtures).
"""
import ctypes, importlib.util, os, pty, shutil, socket, subprocess, sys

agent_path, procs, work, action = sys.argv[1:5]
spec = importlib.util.spec_from_file_location("agent_workload", agent_path)
agent = importlib.util.module_from_spec(spec)
spec.loader.exec_module(agent)

def join():
    with open(procs, "w") as f:
        f.write(str(os.getpid()))

def quiet(*argv):
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

def terminal_shell():
    join()
    pid, fd = pty.fork()
    if pid == 0:
        # As under `kubectl exec -it`, the shell's parent is not a server: here `timeout` forks it
        # (this workload is Python, which the server-spawned-shell rule rightly watches).
        os.execv("/usr/bin/timeout", ["timeout", "--foreground", "10", "/bin/sh", "-c", "exit 0"])
    try:
        while os.read(fd, 1024):
            pass
    except OSError:
        pass
    os.waitpid(pid, 0)

def sensitive_file_read():
    join()
    quiet("cat", "/etc/shadow")

def token_read():
    # A private mount namespace (made by the caller): the tmpfs and the fake token exist only here.
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(b"none", b"/run", b"tmpfs", 0, b"size=1m") != 0:
        raise OSError(ctypes.get_errno(), "mount tmpfs on /run")
    d = "/run/secrets/kubernetes.io/serviceaccount"
    os.makedirs(d)
    with open(f"{d}/token", "w") as f:
        f.write("tracehound-simulated-token\n")
    join()
    quiet("cat", "/var/run/secrets/kubernetes.io/serviceaccount/token")

def reverse_shell_dup():
    join()
    agent.dupsock()

def memfd_exec():
    join()
    agent.memfd()

def tmp_drop_exec():
    d = os.path.join(work, "drop")
    os.makedirs(d, exist_ok=True)
    join()
    try:
        binary = os.path.join(d, "dropped")
        shutil.copy("/bin/true", binary)
        os.chmod(binary, 0o755)
        quiet(binary, "tracehound-simulate")
    finally:
        shutil.rmtree(d, ignore_errors=True)

def connect_local(addr, port):
    # In a network namespace of our own (made by the caller): the address lives on its loopback only.
    quiet("ip", "link", "set", "lo", "up")
    quiet("ip", "addr", "add", f"{addr}/32", "dev", "lo")
    srv = socket.socket(); srv.bind((addr, port)); srv.listen(1)
    join()
    cli = socket.create_connection((addr, port), timeout=5)
    conn, _ = srv.accept()
    conn.close(); cli.close(); srv.close()

def crypto_miner_args():
    join()
    # /bin/true under a miner's name and arguments: nothing connects anywhere.
    subprocess.run(["xmrig", "--url", "stratum+tcp://127.0.0.1:3333", "--donate-level", "1"], executable="/bin/true", check=False)

def module_load():
    join()
    # finit_module on /dev/null: refused by the kernel, nothing is loaded.
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/dev/null", os.O_RDONLY)
    libc.syscall(313, fd, b"", 0)
    os.close(fd)

def ptrace_attach():
    join()
    agent.ptrace()

def setuid_root():
    join()
    os.setresuid(65534, 65534, 0)  # saved uid stays 0 ...
    os.setresuid(0, 0, 0)          # ... so a "non-root" process may become root again

def log_clearing():
    path = os.path.join("/var/log", f"tracehound-simulate-{os.path.basename(work)}.log")
    with open(path, "w") as f:
        f.write("simulated log line\n")
    join()
    quiet("rm", "-f", path)

ACTIONS = {
    "terminal-shell": terminal_shell,
    "sensitive-file-read": sensitive_file_read,
    "token-read": token_read,
    "reverse-shell-dup": reverse_shell_dup,
    "memfd-exec": memfd_exec,
    "tmp-drop-exec": tmp_drop_exec,
    "k8s-api-connect": lambda: connect_local("10.96.0.1", 443),
    "metadata-connect": lambda: connect_local("169.254.169.254", 80),
    "crypto-miner-args": crypto_miner_args,
    "module-load": module_load,
    "ptrace": ptrace_attach,
    "setuid-root": setuid_root,
    "log-clearing": log_clearing,
}

try:
    ACTIONS[action]()
except KeyboardInterrupt:
    sys.exit(130)
