#!/usr/bin/env bash
# Real VE benchmark (bench/real_ve.py): VEs created per minute, start-to-ssh
# latency, the agent loop's worst stall while creating, agent CPU per VE.
# Needs root, LXC and var/templates/debian-12.tar.zst (./dev up); else says why.
#
#	bench/real_ve.sh [N]        (default 50; VEP_BUILD: the build directory,
#	                            VEP_BENCH_RANGE: the VEs' addresses, VEP_BENCH_TIMEOUT: s)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${VEP_BUILD:-$ROOT/build}
[ "$(id -u)" = 0 ] || { echo "real_ve: skipped (needs root)"; exit 0; }
[ -x "$BUILD/agent/velxc" ] && command -v lxc-usernsexec >/dev/null ||
	{ echo "real_ve: skipped (LXC or velxc missing)"; exit 0; }
[ -s "$ROOT/var/templates/debian-12.tar.zst" ] ||
	{ echo "real_ve: var/templates/debian-12.tar.zst missing (./dev up builds it)"; exit 1; }
VEP_BUILD=$BUILD exec /usr/bin/python3 "$ROOT/bench/real_ve.py" "${1:-50}"
