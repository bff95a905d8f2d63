#!/bin/sh
# Compiles each src/main/cuda/*.cu of a Maven module into PTX under the module's
# src/main/resources, at the package path that the .cu names in a line such as
#   // nabla-ptx-package: dev/nabla/backend/cuda
# so that the module's classes load it as a resource (CudaKernel.load). Samples reuse it for
# their own kernels:
#   runtime/src/main/cuda/build-ptx.sh [MODULE_DIR]      (default: the runtime module)
# The PTX is committed, so building Nabla needs no CUDA toolkit: rerun this after editing a
# .cu and commit the result (PtxFreshnessTest fails while a committed PTX is stale).
# NVCC names the compiler (default: nvcc on the PATH). NABLA_PTX_RESOURCES replaces
# MODULE_DIR/src/main/resources as the output root, which lets the test build elsewhere.
#
# compute_75 PTX is JIT-compiled by the driver for any GPU from Turing on. No
# --use_fast_math: the kernels must round like the CPU backend.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "${1:-$here/../../..}" && pwd)
nvcc=${NVCC:-nvcc}
if ! command -v "$nvcc" >/dev/null 2>&1; then
  echo "build-ptx.sh: nvcc not found ('$nvcc'); install the CUDA toolkit or set NVCC to the compiler's path" >&2
  exit 1
fi
resources=${NABLA_PTX_RESOURCES:-$module/src/main/resources}

built=0
for cu in "$module"/src/main/cuda/*.cu; do
  [ -e "$cu" ] || continue
  package=$(sed -n 's|^// nabla-ptx-package: *\([A-Za-z0-9_/]*\) *$|\1|p' "$cu" | head -n 1)
  if [ -z "$package" ]; then
    echo "build-ptx.sh: $cu has no '// nabla-ptx-package: a/b/c' line saying where its PTX goes" >&2
    exit 1
  fi
  ptx=$resources/$package/$(basename "$cu" .cu).ptx
  mkdir -p "$(dirname "$ptx")"
  echo "nvcc -ptx -arch=compute_75 -O3 -o $ptx $cu"
  # -Werror fails the build on any warning; it does not change the PTX.
  "$nvcc" -ptx -arch=compute_75 -O3 -Werror all-warnings -o "$ptx" "$cu"
  built=$((built + 1))
done
if [ "$built" = 0 ]; then
  echo "build-ptx.sh: no .cu files under $module/src/main/cuda" >&2
  exit 1
fi
