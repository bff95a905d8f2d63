#!/bin/sh
# Builds libnablacpu (nabla_gemm.c, nabla_stream.c) into the runtime's classes, where
# NativeCpu finds it:
#   build.sh JAVA_HOME OUTPUT_DIR
# Without a C compiler, or on a platform we do not build for, it says so and builds nothing;
# matrix products then copy their operands through off-heap buffers (see Blas), and large
# elementwise results are written by the Java loops (see StreamingStores): correct, slower.
set -eu
java_home=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
without="matrix products will copy their operands and no kernel will use streaming stores"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86_64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  *) echo "[nabla] no native CPU library for $(uname -s)-$(uname -m); $without"; exit 0 ;;
esac
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[nabla] no C compiler ($cc); $without"
  exit 0
fi
if [ ! -f "$java_home/include/jni.h" ]; then
  echo "[nabla] no jni.h under $java_home/include; $without"
  exit 0
fi
mkdir -p "$out/$platform"
"$cc" -O2 -shared -fPIC -Wall -Wextra -Werror -I"$java_home/include" -I"$java_home/include/linux" \
  "$here/nabla_gemm.c" "$here/nabla_stream.c" -o "$out/$platform/libnablacpu.so" -ldl
