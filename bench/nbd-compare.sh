#!/usr/bin/env bash
# bench/nbd-compare.sh — the same image over NBD from dmemu and from nbdkit, same client.
#
#   bench/nbd-compare.sh [--size MIB] [--runs N] [--warmup N] [--offset SECTORS] [--out FILE] [--keep] [--jfr FILE]
#
# Builds an image of SIZE MiB (default 256) of random bytes (its first MiB zero, so no MBR or
# disklabel is found and /dev/wd1a is the whole disk), then serves the same bytes two ways:
#   dmemu:  ./dmemu serve --disk wd1=file:IMAGE, with a dm device "bench0" =
#           "0 LEN linear /dev/wd1a OFFSET" loaded through ./dmemu dmctl (create, reload, resume);
#   nbdkit: nbdkit file IMAGE --filter=offset offset=OFFSET*512 range=LEN*512.
# Both export the same LEN sectors. It checks that both return identical bytes, then times
# nbdcopy reading the whole export to null: and writing it from a file, alternating the servers
# (ABBA order) for N rounds (default 5) after --warmup untimed rounds (default 3: dmemu's JIT
# compiles the hot loops of the serve daemon over the first two or three copies), and
# reports the median MiB/s and the ratio dmemu ÷ nbdkit (goal for reads: ≥ 1.0x). A third row
# times the write with nbdcopy --flush (NBD_CMD_FLUSH at the end): dmemu syncs the image
# (FileChannel.force) when a client disconnects and nbdcopy waits for that, nbdkit's file plugin
# does not sync on disconnect, so the plain write row compares a synced write with an unsynced
# one; with --flush both servers sync.
# A fifth row (issue 15) copies a mostly-empty 256 MiB export (two 1 MiB data regions in a sparse
# image, the rest holes) to a local file with the same client: time dmemu ÷ nbdkit as nbdkit's
# time over dmemu's (≥ 1.0x: dmemu as fast); both servers answer base:allocation block status, so
# the client reads only the data.
# --jfr FILE records a Java Flight Recording of the dmemu server (for profiling).
#
# A fourth row reads with 4 connections (nbdcopy --connections=4; both servers advertise
# multi-conn).
#
# The client runs with $NBDCOPY_OPTS (default "--connections=1") for the first three rows.
# Both servers listen on Unix sockets (dmemu: STATE/nbd.sock, its default; nbdkit: -U), so the
# transport is the same and no TCP stack is measured.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib=256
runs=5
warmup=3
offset=384
out=""
keep=0
jfr=""
while [ $# -gt 0 ]; do
    case "$1" in
        --size) size_mib="${2:?--size needs MiB}"; shift ;;
        --runs) runs="${2:?--runs needs a count}"; shift ;;
        --warmup) warmup="${2:?--warmup needs a count}"; shift ;;
        --offset) offset="${2:?--offset needs sectors}"; shift ;;
        --out) out="${2:?--out needs a file}"; shift ;;
        --keep) keep=1 ;;
        --jfr) jfr="${2:?--jfr needs a file}"; shift ;;
        -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "nbd-compare: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$size_mib$runs$warmup$offset" in *[!0-9]*) echo "nbd-compare: --size, --runs, --warmup, --offset take integers" >&2; exit 2 ;; esac
[ "$size_mib" -ge 2 ] || { echo "nbd-compare: --size must be at least 2 MiB" >&2; exit 2; }
for tool in nbdkit nbdcopy nbdinfo; do
    command -v "$tool" >/dev/null || { echo "nbd-compare: $tool is not installed" >&2; exit 69; }
done
nbdcopy_opts="${NBDCOPY_OPTS---connections=1}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/nbd-compare.XXXXXX")"
serve_pid=""
kit_pid=""
sparse_pid=""
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
    [ -n "$kit_pid" ] && kill "$kit_pid" 2>/dev/null || true
    [ -n "$sparse_pid" ] && kill "$sparse_pid" 2>/dev/null || true
    [ "$keep" = 1 ] && echo "nbd-compare: kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT

image="$tmp/disk.img"
total=$((size_mib * 1024 * 1024))
len=$(( (total / 512) - offset ))        # sectors exported
bytes=$((len * 512))
[ "$len" -gt 0 ] || { echo "nbd-compare: offset beyond the image" >&2; exit 2; }
head -c "$total" /dev/urandom >"$image"
dd if=/dev/zero of="$image" bs=1M count=1 conv=notrunc status=none
head -c "$bytes" /dev/urandom >"$tmp/src.bin"
sparse="$tmp/sparse.img"
sparse_bytes=$((256 * 1024 * 1024))
truncate -s "$sparse_bytes" "$sparse"
dd if=/dev/urandom of="$sparse" bs=1M count=1 seek=64 conv=notrunc status=none
dd if=/dev/urandom of="$sparse" bs=1M count=1 seek=200 conv=notrunc status=none

# --- dmemu ------------------------------------------------------------------------------
ctl="$tmp/control"
jfr_opts=""
[ -n "$jfr" ] && jfr_opts="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording=filename=$jfr,settings=profile"
DMEMU_JAVA_OPTS="${DMEMU_JAVA_OPTS:-} $jfr_opts" "$root/dmemu" serve --state "$tmp/state" --disk "wd1=file:$image" --disk "wd2=file:$sparse" --control "$ctl" \
    >"$tmp/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 300); do
    [ -S "$ctl" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { echo "nbd-compare: dmemu serve exited:" >&2; tail -5 "$tmp/serve.log" >&2; exit 1; }
    sleep 0.2
done
[ -S "$ctl" ] || { echo "nbd-compare: dmemu serve did not create $ctl" >&2; exit 1; }
dmctl() { "$root/dmemu" dmctl --control "$ctl" "$@"; }
dmctl create bench0 >/dev/null
echo "0 $len linear /dev/wd1a $offset" | dmctl reload bench0 >/dev/null
dmctl resume bench0 >/dev/null
uri_d="nbd+unix:///bench0?socket=$tmp/state/nbd.sock"
dmctl create sparse0 >/dev/null
echo "0 $((sparse_bytes / 512)) linear /dev/wd2d 0" | dmctl reload sparse0 >/dev/null
dmctl resume sparse0 >/dev/null
uri_ds="nbd+unix:///sparse0?socket=$tmp/state/nbd.sock"

# --- nbdkit -----------------------------------------------------------------------------
nbdkit -f -U "$tmp/kit.sock" --filter=offset file "$image" \
    offset=$((offset * 512)) range="$bytes" >"$tmp/nbdkit.log" 2>&1 &
kit_pid=$!
uri_k="nbd+unix:///?socket=$tmp/kit.sock"
nbdkit -f -U "$tmp/kit-sparse.sock" file "$sparse" >"$tmp/nbdkit-sparse.log" 2>&1 &
sparse_pid=$!
uri_ks="nbd+unix:///?socket=$tmp/kit-sparse.sock"

for _ in $(seq 1 100); do
    nbdinfo --size "$uri_d" >/dev/null 2>&1 && nbdinfo --size "$uri_k" >/dev/null 2>&1 && break
    sleep 0.2
done
sd="$(nbdinfo --size "$uri_d")" || { echo "nbd-compare: no export bench0 on dmemu" >&2; exit 1; }
sk="$(nbdinfo --size "$uri_k")" || { echo "nbd-compare: nbdkit does not answer" >&2; exit 1; }
[ "$sd" = "$bytes" ] && [ "$sk" = "$bytes" ] || { echo "nbd-compare: sizes differ: dmemu $sd, nbdkit $sk, want $bytes" >&2; exit 1; }

# Same bytes from both, equal to the image range.
# shellcheck disable=SC2086
nbdcopy $nbdcopy_opts "$uri_d" "$tmp/a.bin"
# shellcheck disable=SC2086
nbdcopy $nbdcopy_opts "$uri_k" "$tmp/b.bin"
tail -c +$((offset * 512 + 1)) "$image" | cmp -s - "$tmp/a.bin" || { echo "nbd-compare: dmemu returned different bytes" >&2; exit 1; }
cmp -s "$tmp/a.bin" "$tmp/b.bin" || { echo "nbd-compare: nbdkit returned different bytes" >&2; exit 1; }
rm -f "$tmp/a.bin" "$tmp/b.bin"
for _ in $(seq 1 50); do nbdinfo --size "$uri_ks" >/dev/null 2>&1 && break; sleep 0.2; done
# shellcheck disable=SC2086
nbdcopy $nbdcopy_opts "$uri_ds" "$tmp/a.bin"
cmp -s "$sparse" "$tmp/a.bin" || { echo "nbd-compare: dmemu returned different bytes of the sparse export" >&2; exit 1; }
rm -f "$tmp/a.bin"
# time_sparse URI → seconds to copy the sparse export into a fresh local file
time_sparse() {
    rm -f "$tmp/sparse-out.img"
    time_copy "$1" "$tmp/sparse-out.img"
}

now() { date +%s.%N; }
# time_copy SRC DST [EXTRA-OPTION] → seconds (an EXTRA --connections=N replaces $nbdcopy_opts')
time_copy() {
    local t0 t1 opts="$nbdcopy_opts"
    case "${3:-}" in --connections=*) opts="" ;; esac
    t0="$(now)"
    # shellcheck disable=SC2086
    nbdcopy $opts ${3:-} "$1" "$2"
    t1="$(now)"
    echo "$t1 - $t0" | bc -l
}

# Untimed rounds: the dmemu server's JIT warms up here, not in the timed runs.
for _ in $(seq 1 "$warmup"); do
    time_copy "$uri_d" null: >/dev/null; time_copy "$uri_k" null: >/dev/null
    time_copy "$tmp/src.bin" "$uri_d" >/dev/null; time_copy "$tmp/src.bin" "$uri_k" >/dev/null
    time_sparse "$uri_ds" >/dev/null; time_sparse "$uri_ks" >/dev/null
done

declare -a rd rk wd wk fd fk cd ck spd spk
for i in $(seq 1 "$runs"); do
    if [ $((i % 2)) = 1 ]; then
        rd+=("$(time_copy "$uri_d" null:)"); rk+=("$(time_copy "$uri_k" null:)")
        wd+=("$(time_copy "$tmp/src.bin" "$uri_d")"); wk+=("$(time_copy "$tmp/src.bin" "$uri_k")")
        fd+=("$(time_copy "$tmp/src.bin" "$uri_d" --flush)"); fk+=("$(time_copy "$tmp/src.bin" "$uri_k" --flush)")
        cd+=("$(time_copy "$uri_d" null: --connections=4)"); ck+=("$(time_copy "$uri_k" null: --connections=4)")
        spd+=("$(time_sparse "$uri_ds")"); spk+=("$(time_sparse "$uri_ks")")
    else
        rk+=("$(time_copy "$uri_k" null:)"); rd+=("$(time_copy "$uri_d" null:)")
        wk+=("$(time_copy "$tmp/src.bin" "$uri_k")"); wd+=("$(time_copy "$tmp/src.bin" "$uri_d")")
        fk+=("$(time_copy "$tmp/src.bin" "$uri_k" --flush)"); fd+=("$(time_copy "$tmp/src.bin" "$uri_d" --flush)")
        ck+=("$(time_copy "$uri_k" null: --connections=4)"); cd+=("$(time_copy "$uri_d" null: --connections=4)")
        spk+=("$(time_sparse "$uri_ks")"); spd+=("$(time_sparse "$uri_ds")")
    fi
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mibs() { echo "$bytes / 1048576 / $1" | bc -l; }
# round_ratios DMEMU_ARRAY NBDKIT_ARRAY: each round's nbdkit time ÷ dmemu time (= dmemu's
# throughput ÷ nbdkit's), two runs seconds apart; prints "median (min–max)".
round_ratios() {
    local -n a="$1" b="$2"
    local i
    for i in "${!a[@]}"; do echo "${b[$i]} / ${a[$i]}" | bc -l; done | sort -g |
        awk '{r[NR]=$1} END {m=(NR%2 ? r[(NR+1)/2] : (r[NR/2]+r[NR/2+1])/2); printf "%.2fx (%.2f–%.2f)", m, r[1], r[NR]}'
}
md_r="$(median "${rd[@]}")"; mk_r="$(median "${rk[@]}")"
md_w="$(median "${wd[@]}")"; mk_w="$(median "${wk[@]}")"
md_f="$(median "${fd[@]}")"; mk_f="$(median "${fk[@]}")"
md_c="$(median "${cd[@]}")"; mk_c="$(median "${ck[@]}")"
md_s="$(median "${spd[@]}")"; mk_s="$(median "${spk[@]}")"
report="$(
    echo "NBD comparison: $((bytes / 1048576)) MiB export (linear, offset $offset sectors), $runs alternating rounds after $warmup untimed"
    echo "client: nbdcopy $(nbdcopy --version 2>/dev/null | head -1 | awk '{print $2}') ${nbdcopy_opts:-(defaults)}; servers over Unix sockets: dmemu serve, $(nbdkit --version | head -1) file + offset filter (-U)"
    echo
    echo "| op | dmemu MiB/s (median) | nbdkit MiB/s (median) | dmemu ÷ nbdkit (medians) | per-round ratio: median (min–max) |"
    echo "|---|---:|---:|---:|---:|"
    printf '| read (nbdcopy → null:) | %.0f | %.0f | %.2fx | %s |\n' "$(mibs "$md_r")" "$(mibs "$mk_r")" \
        "$(echo "$mk_r / $md_r" | bc -l)" "$(round_ratios rd rk)"
    printf '| write (file → nbdcopy) | %.0f | %.0f | %.2fx | %s |\n' "$(mibs "$md_w")" "$(mibs "$mk_w")" \
        "$(echo "$mk_w / $md_w" | bc -l)" "$(round_ratios wd wk)"
    printf '| write + flush (nbdcopy --flush) | %.0f | %.0f | %.2fx | %s |\n' "$(mibs "$md_f")" "$(mibs "$mk_f")" \
        "$(echo "$mk_f / $md_f" | bc -l)" "$(round_ratios fd fk)"
    printf '| read, 4 connections (nbdcopy --connections=4) | %.0f | %.0f | %.2fx | %s |\n' "$(mibs "$md_c")" "$(mibs "$mk_c")" \
        "$(echo "$mk_c / $md_c" | bc -l)" "$(round_ratios cd ck)"
    printf '| sparse copy, 256 MiB export with 2 MiB data (nbdcopy → file), seconds | %.3f s | %.3f s | %.2fx | %s |\n' \
        "$md_s" "$mk_s" "$(echo "$mk_s / $md_s" | bc -l)" "$(round_ratios spd spk)"
    echo
    echo "read seconds:  dmemu ${rd[*]}; nbdkit ${rk[*]}"
    echo "write seconds: dmemu ${wd[*]}; nbdkit ${wk[*]}"
    echo "write + flush seconds: dmemu ${fd[*]}; nbdkit ${fk[*]}"
    echo "read, 4 connections, seconds: dmemu ${cd[*]}; nbdkit ${ck[*]}"
    echo "sparse copy seconds: dmemu ${spd[*]}; nbdkit ${spk[*]}"
)"
echo "$report"
[ -n "$out" ] && echo "$report" >"$out"
exit 0
