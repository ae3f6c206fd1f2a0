#!/bin/sh
# Builds libdmemusparse.so (sparse.c) into the classes directory, where HostSparse finds it as
# a resource. Called by Maven (kernel-sim, process-classes) with: OUTDIR JAVA_HOME.
# Without a C compiler or jni.h it warns and builds nothing: image files are then reported as
# all data and never punched (HostSparse.available() is false; under CI=true a test fails).
set -eu
out="$1/org/dmemu/dev/disk/native/$(uname -s | tr 'A-Z' 'a-z')-$(uname -m)"
jh="$2"
src="$(dirname "$0")/sparse.c"
cc="${CC:-gcc}"
if ! command -v "$cc" >/dev/null 2>&1 || [ ! -f "$jh/include/jni.h" ]; then
    echo "[WARNING] libdmemusparse not built (no $cc or no $jh/include/jni.h): image files report no holes" >&2
    exit 0
fi
mkdir -p "$out"
if [ ! -f "$out/libdmemusparse.so" ] || [ "$src" -nt "$out/libdmemusparse.so" ]; then
    "$cc" -shared -fPIC -O2 -Wall -Wextra -Werror -I"$jh/include" -I"$jh/include/linux" \
        -o "$out/libdmemusparse.so" "$src"
fi
