#!/usr/bin/env bash
# Builds the dmemu exec preload library with the system cc:
#   OUTDIR/64/libdmemu-preload.so   (the machine's ABI)
#   OUTDIR/32/libdmemu-preload.so   (-m32, when the compiler can build it)
# `dmemu exec` puts both directories on LD_LIBRARY_PATH and preloads the bare name,
# so the dynamic loader picks the one matching each program's ELF class.
# The 64-bit library is written last: the launcher compares the sources with it.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUTDIR}"
cc="${CC:-cc}"
flags=(-shared -fPIC -O2 -g -Wall -Wextra -pthread)
# The tests build with DMEMU_PRELOAD_WERROR=1: the library must stay warning-free.
if [ "${DMEMU_PRELOAD_WERROR:-}" = 1 ]; then flags+=(-Werror); fi
sources=("$src/dmemu_preload.c" "$src/dmemu_wire.c")
mkdir -p "$out/64" "$out/32"
if "$cc" -m32 "${flags[@]}" -o "$out/32/.libdmemu-preload.so.tmp" "${sources[@]}" -ldl 2>"$out/32/build.log"; then
    mv "$out/32/.libdmemu-preload.so.tmp" "$out/32/libdmemu-preload.so"
else
    rm -f "$out/32/.libdmemu-preload.so.tmp" "$out/32/libdmemu-preload.so"
    echo "build.sh: no -m32 library (32-bit programs run without dmemu): see $out/32/build.log" >&2
fi
"$cc" "${flags[@]}" -o "$out/64/.libdmemu-preload.so.tmp" "${sources[@]}" -ldl
mv "$out/64/.libdmemu-preload.so.tmp" "$out/64/libdmemu-preload.so"
