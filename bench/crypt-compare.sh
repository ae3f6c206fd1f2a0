#!/usr/bin/env bash
# bench/crypt-compare.sh [--quick]
#
# The crypt target's read throughput against OpenSSL in the same run: `openssl speed -elapsed -evp
# aes-256-xts -bytes 4096` (one core) before and after the JMH CryptBench (one thread, 4 KiB
# reads through dmstrategy: linear, aes-xts-plain64, aes-cbc-essiv:sha256, serpent-xts-plain64,
# twofish-xts-plain64). Prints a table with GB/s and the ratios; writes nothing else.
# -elapsed: openssl speed otherwise divides by its user CPU time, JMH by wall-clock time; on a
# busy machine the two would not be comparable.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/bench/target/benchmarks.jar"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
secs=3
jmh=(-wi 3 -w 1 -i 5 -r 1)
if [ "${1:-}" = "--quick" ]; then
    secs=1
    jmh=(-wi 1 -w 1 -i 2 -r 1)
fi
if [ ! -f "$jar" ]; then
    (cd "$root" && mvn -q -B -Dmaven.test.skip=true -pl bench -am package) >&2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

ossl() {
    openssl speed -elapsed -evp aes-256-xts -bytes 4096 -seconds "$secs" -mr 2>/dev/null | awk -F: '/^\+F:/ {print $4}'
}

o1="$(ossl)"
"$java_bin" -jar "$jar" 'org.dmemu.bench.CryptBench.read' -t 1 "${jmh[@]}" -rf json -rff "$tmp/r.json" >"$tmp/jmh.log"
o2="$(ossl)"

python3 - "$tmp/r.json" "$o1" "$o2" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
o = (float(sys.argv[2]) + float(sys.argv[3])) / 2
rows = {}
for r in res:
    p = r["params"]
    rows[p["spec"]] = r["primaryMetric"]["score"] * int(p["size"])
print("| read 4 KiB through dmstrategy | GB/s | ÷ linear | ÷ openssl aes-256-xts 4 KiB |")
print("|---|---:|---:|---:|")
for spec, bps in rows.items():
    print(f"| {spec} | {bps / 1e9:.2f} | {bps / rows['linear']:.3f}x | {bps / o:.3f}x |")
print(f"| openssl speed -evp aes-256-xts (4 KiB, mean of before/after: {float(sys.argv[2])/1e9:.2f}, {float(sys.argv[3])/1e9:.2f}) | {o / 1e9:.2f} | | 1x |")
PY
