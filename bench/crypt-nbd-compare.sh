#!/usr/bin/env bash
# bench/crypt-nbd-compare.sh — one LUKS1 volume over NBD from dmemu's crypt target and from
# nbdkit's luks filter, read with the same client.
#
#   bench/crypt-nbd-compare.sh [--size MIB] [--runs N] [--warmup N]
#
# cryptsetup luksFormat (LUKS1, aes-xts-plain64, 512-bit key) makes an image of SIZE MiB
# (default 128); dmemu serve --targets crypt serves it, `dmemu cryptsetup open` maps it, and
# random plaintext is written through dmemu with nbdcopy. Both servers must then return the
# same plaintext (checked), and nbdcopy reads each export to null: in alternating (ABBA)
# rounds after untimed warm-up rounds. Prints the median MiB/s and dmemu ÷ nbdkit.
# Client: nbdcopy $NBDCOPY_OPTS (default --connections=1); both servers on 127.0.0.1 TCP.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib=128
runs=5
warmup=2
while [ $# -gt 0 ]; do
    case "$1" in
        --size) size_mib="${2:?--size needs MiB}"; shift ;;
        --runs) runs="${2:?--runs needs a count}"; shift ;;
        --warmup) warmup="${2:?--warmup needs a count}"; shift ;;
        -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "crypt-nbd-compare: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$size_mib$runs$warmup" in *[!0-9]*) echo "crypt-nbd-compare: options take integers" >&2; exit 2 ;; esac
for tool in nbdkit nbdcopy nbdinfo cryptsetup; do
    command -v "$tool" >/dev/null || { echo "crypt-nbd-compare: $tool is not installed" >&2; exit 69; }
done
opts="${NBDCOPY_OPTS---connections=1}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/crypt-nbd.XXXXXX")"
chmod 700 "$tmp"
serve_pid=""
kit_pid=""
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
    [ -n "$kit_pid" ] && kill "$kit_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

image="$tmp/vol.img"
printf 'bench passphrase' >"$tmp/pass"
truncate -s "${size_mib}M" "$image"
cryptsetup luksFormat -q --type luks1 --pbkdf-force-iterations 1000 --key-size 512 --key-file "$tmp/pass" "$image"

free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 20000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}
port_d="$(free_port)"
port_k="$(free_port)"
while [ "$port_k" = "$port_d" ]; do port_k="$(free_port)"; done

ctl="$tmp/control"
"$root/dmemu" serve --state "$tmp/state" --targets crypt --disk "wd1=file:$image" --control "$ctl" \
    --nbd-port "$port_d" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 300); do
    [ -S "$ctl" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { echo "crypt-nbd-compare: dmemu serve exited" >&2; tail -5 "$tmp/serve.log" >&2; exit 1; }
    sleep 0.2
done
"$root/dmemu" cryptsetup --control "$ctl" open --key-file "$tmp/pass" --image "$image" /dev/wd1d vault
uri_d="nbd://127.0.0.1:$port_d/vault"
bytes="$(nbdinfo --size "$uri_d")"
head -c "$bytes" /dev/urandom >"$tmp/plain.bin"
# shellcheck disable=SC2086
nbdcopy $opts "$tmp/plain.bin" "$uri_d"

nbdkit -f -i 127.0.0.1 -p "$port_k" --filter=luks file "$image" passphrase="$(cat "$tmp/pass")" >"$tmp/nbdkit.log" 2>&1 &
kit_pid=$!
uri_k="nbd://127.0.0.1:$port_k"
for _ in $(seq 1 100); do nbdinfo --size "$uri_k" >/dev/null 2>&1 && break; sleep 0.2; done
[ "$(nbdinfo --size "$uri_k")" = "$bytes" ] || { echo "crypt-nbd-compare: export sizes differ" >&2; exit 1; }
# shellcheck disable=SC2086
nbdcopy $opts "$uri_d" "$tmp/a.bin"
# shellcheck disable=SC2086
nbdcopy $opts "$uri_k" "$tmp/b.bin"
cmp -s "$tmp/plain.bin" "$tmp/a.bin" || { echo "crypt-nbd-compare: dmemu returned other bytes" >&2; exit 1; }
cmp -s "$tmp/plain.bin" "$tmp/b.bin" || { echo "crypt-nbd-compare: nbdkit returned other bytes" >&2; exit 1; }
rm -f "$tmp/a.bin" "$tmp/b.bin"

now() { date +%s.%N; }
t() { local t0; t0="$(now)"; nbdcopy $opts "$1" null:; echo "$(now) - $t0" | bc -l; }
for _ in $(seq 1 "$warmup"); do t "$uri_d" >/dev/null; t "$uri_k" >/dev/null; done
declare -a rd rk
for i in $(seq 1 "$runs"); do
    if [ $((i % 2)) = 1 ]; then rd+=("$(t "$uri_d")"); rk+=("$(t "$uri_k")"); else rk+=("$(t "$uri_k")"); rd+=("$(t "$uri_d")"); fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
md="$(median "${rd[@]}")"; mk="$(median "${rk[@]}")"
echo "crypt over NBD: $((bytes / 1048576)) MiB LUKS1 aes-xts-plain64 volume, $runs alternating rounds after $warmup untimed; nbdcopy $opts"
echo
echo "| read (nbdcopy → null:) | dmemu crypt MiB/s | nbdkit --filter=luks MiB/s | dmemu ÷ nbdkit |"
echo "|---|---:|---:|---:|"
printf '| median | %.0f | %.0f | %.2fx |\n' "$(echo "$bytes / 1048576 / $md" | bc -l)" "$(echo "$bytes / 1048576 / $mk" | bc -l)" "$(echo "$mk / $md" | bc -l)"
echo
echo "seconds: dmemu ${rd[*]}; nbdkit ${rk[*]}"
