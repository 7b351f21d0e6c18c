"""Real VE benchmark (needs root and LXC; bench/real_ve.sh runs it).

N VEs (default 10) are handed to `veagent --backend real` at once by a
scripted API; it measures
  - VEs created per minute (from the list being served to every VE up),
  - start-to-ssh latency per VE (its "started" log line to the SSH banner),
  - the agent loop's worst stall while the VEs are created (the slowest of
    /metrics scrapes made back to back every 10 ms),
  - the agent's CPU time per running VE per second of metering (utime+stime
    over 30 s with all N running).
VE addresses from VEP_BENCH_RANGE (FIRST-LAST, default 198.51.100.201-
198.51.100.254: at most 54 VEs; routed to their veths on this host, checked
with `ip route get` before the run and before any packet); everything is
erased at the end.  Bounded in time: VEP_BENCH_TIMEOUT seconds (default
900) for all N to answer ssh; past it the figures of those that did are
printed with how many did not, and the run fails.
"""
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.environ.get("VEP_BUILD", os.path.join(ROOT, "build"))
sys.path.insert(0, os.path.join(ROOT, "tests", "fakes"))
import node_api  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
HZ = os.sysconf("SC_CLK_TCK")
TIMEOUT = float(os.environ.get("VEP_BENCH_TIMEOUT", "900"))


def addresses(n):
    """n addresses of VEP_BENCH_RANGE, each checked to stay on this host."""
    first, last = os.environ.get("VEP_BENCH_RANGE", "198.51.100.201-198.51.100.254").split("-")
    f = [int(x) for x in first.split(".")]
    la = [int(x) for x in last.split(".")]
    if f[:3] != [198, 51, 100] or la[:3] != [198, 51, 100] or not 2 <= f[3] <= la[3] <= 254:
        sys.exit("real_ve: VEP_BENCH_RANGE must be inside 198.51.100.2-198.51.100.254")
    if la[3] - f[3] + 1 < n:
        sys.exit("real_ve: VEP_BENCH_RANGE %s-%s has fewer than %d addresses" % (first, last, n))
    out = ["198.51.100.%d" % (f[3] + i) for i in range(n)]
    for a in out:
        r = subprocess.run(["ip", "route", "get", a], capture_output=True, text=True)
        if r.returncode == 0 and not re.search(r"\bdev (vep[0-9A-F]{8}|lo)\b", r.stdout):
            sys.exit("real_ve: %s would leave this host (%s): not run" % (a, r.stdout.strip()))
    return out


def crypt(pw):
    return subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=pw, text=True,
                          capture_output=True, check=True).stdout.strip()


def scrape(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/metrics", headers={"Authorization": "Bearer bench-token"})
    body = c.getresponse().read().decode()
    c.close()
    return body


def banner(ip):
    dev = subprocess.run(["ip", "route", "get", ip], capture_output=True, text=True).stdout
    if not re.search(r"\bdev vep[0-9A-F]{8}\b", dev):
        return False
    try:
        with socket.create_connection((ip, 22), timeout=1) as s:
            return s.recv(64).startswith(b"SSH-")
    except OSError:
        return False


def main():
    tmp = tempfile.TemporaryDirectory(prefix="vep-bench-", dir="/var/tmp")
    os.chmod(tmp.name, 0o711)
    tok = os.path.join(tmp.name, "tok")
    with open(os.open(tok, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write("bench-token\n")
    api = node_api.FakeNodeApi("benchreal", "bench-token").start()
    h = crypt("bench-Pass-1")
    ips = addresses(N)
    ves = [node_api.ve("0000B%03X" % i, [ips[i]], disk_quota_mb=300,
                       mem_max_mb=128, template="debian-12", root_crypt=h,
                       netmask="255.255.255.0", gateway="198.51.100.1",
                       dns_servers=["198.51.100.1"], always_on=True, power="running",
                       power_seq=0) for i in range(N)]
    lines = []
    agent = subprocess.Popen(
        [os.path.join(BUILD, "agent", "veagent"), "--listen", "127.0.0.1:0", "-d",
         "--node", "benchreal", "--backend", "real", "--api", api.url, "--token-file", tok,
         "--ve-root", os.path.join(tmp.name, "ve"), "--velxc",
         os.path.join(BUILD, "agent", "velxc"), "--template-dir",
         os.path.join(ROOT, "var", "templates"), "--veinfo", os.path.join(BUILD, "tools", "veinfo"),
         "--pool", "198.51.100.0/24"], stderr=subprocess.PIPE, text=True)
    port = None
    started = {}

    def reader():
        nonlocal port
        for line in agent.stderr:
            lines.append(line)
            m = re.search(r"\(port (\d+)\)", line)
            if m:
                port = int(m.group(1))
            m = re.search(r"VE ([0-9A-F]{8}): started", line)
            if m and m.group(1) not in started:
                started[m.group(1)] = time.monotonic()
    threading.Thread(target=reader, daemon=True).start()
    try:
        while port is None:
            time.sleep(0.05)
        stall = 0.0
        t0 = time.monotonic()
        api.ves = ves
        sshd = {}
        while len(sshd) < N and time.monotonic() - t0 < TIMEOUT:
            a = time.monotonic()
            scrape(port)
            stall = max(stall, time.monotonic() - a)
            for v in ves:
                vid = v["ve_id"]
                if vid in started and vid not in sshd and banner(v["ips"][0]):
                    sshd[vid] = time.monotonic()
            time.sleep(0.01)
        # Up to the last VE that answered (not to the deadline when some never did).
        all_up = (max(sshd.values()) if sshd else time.monotonic()) - t0
        if not sshd:
            print("real_ve: no VE answered ssh in %.0f s" % TIMEOUT)
            return 1
        lat = sorted(sshd[v] - started[v] for v in sshd)
        n_up = len(sshd)
        pid = agent.pid

        def ticks():
            with open("/proc/%d/stat" % pid) as f:
                p = f.read().rsplit(")", 1)[1].split()
            return int(p[11]) + int(p[12])
        c0, w0 = ticks(), time.monotonic()
        time.sleep(30)
        c1, w1 = ticks(), time.monotonic()
        per = (c1 - c0) / HZ / (w1 - w0) / n_up
        print("real_ve: %d VEs created and answering ssh in %.1f s = %.1f VEs/min; "
              "start-to-ssh p50 %.2f s max %.2f s; agent loop worst stall %.1f ms; "
              "agent CPU %.1f us per VE per second of metering"
              % (n_up, all_up, n_up * 60 / all_up, lat[len(lat) // 2], lat[-1], stall * 1000,
                 per * 1e6))
        if n_up < N:
            miss = [v["ve_id"] for v in ves if v["ve_id"] not in sshd]
            print("real_ve: %d of %d VEs did not answer ssh within %.0f s: %s (started: %s); "
                  "agent log in var/log/bench-real_ve-agent.log" % (N - n_up, N, TIMEOUT, " ".join(miss),
                  " ".join(v for v in miss if v in started) or "none"))
            return 1
        return 0
    finally:
        api.ves = []
        end = time.monotonic() + 300
        while time.monotonic() < end and os.listdir(os.path.join(tmp.name, "ve")):
            time.sleep(0.5)
        agent.terminate()
        agent.wait(20)
        os.makedirs(os.path.join(ROOT, "var", "log"), exist_ok=True)
        with open(os.path.join(ROOT, "var", "log", "bench-real_ve-agent.log"), "w") as f:
            f.writelines(lines)
        api.stop()
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
