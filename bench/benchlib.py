"""Shared by the Python benches: timed GETs on one kept connection and
their percentiles."""
import time


def pct(lat):
    """p50 and p99 of a list of seconds, in milliseconds."""
    lat = sorted(lat)
    return lat[len(lat) // 2] * 1e3, lat[min(len(lat) - 1, (len(lat) * 99) // 100)] * 1e3


def timed_gets(conn, path, auth, n, who="bench"):
    """n timed GETs of path (after 5 untimed to warm up): the latencies and the last body."""
    lat = []
    body = b""
    for i in range(n + 5):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": auth})
        r = conn.getresponse()
        body = r.read()
        dt = time.perf_counter() - t0
        if r.status != 200:
            raise SystemExit("%s: %s answered %d: %s" % (who, path, r.status, body[:200]))
        if i >= 5:
            lat.append(dt)
    return lat, body
