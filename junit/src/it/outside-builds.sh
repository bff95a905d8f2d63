#!/usr/bin/env bash
# Builds two projects outside this repository from the installed jars, each with the README's
# "Using Nabla in your Maven build" pom.xml copied verbatim, and checks what `mvn test` runs:
#   with-tests: two ops and one JUnit Jupiter test class -> the test and one gradcheck per op;
#   ops-only:   two ops and no test code at all           -> one gradcheck per op;
# and that `mvn test -Dtest=GradcheckTests` in the first runs the gradchecks alone.
#   junit/src/it/outside-builds.sh [--repo DIR] [--no-install] [--mvn PATH]
# --repo is the local repository to install Nabla into and build from (default: Maven's own);
# --mvn picks the Maven to run the outside builds with (default: mvn on the PATH).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
repo=""
install=1
mvn_cmd=mvn
while [ $# -gt 0 ]; do
  case "$1" in
    --repo) repo=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --mvn) mvn_cmd=$2; shift 2 ;;
    *) echo "usage: outside-builds.sh [--repo DIR] [--no-install] [--mvn PATH]" >&2; exit 2 ;;
  esac
done
repo_opt=()
if [ -n "$repo" ]; then
  repo_opt=("-Dmaven.repo.local=$repo")
fi
if [ "$install" = 1 ]; then
  (cd "$root" && mvn -B -q install -DskipTests -pl annotations,processor,runtime,junit -am "${repo_opt[@]}")
fi

work=$(mktemp -d /tmp/nabla-outside.XXXXXX)
# The pom is the first xml block of the README's section, byte for byte.
python3 - "$root/README.md" "$work/pom.xml" <<'PY'
import re, sys
readme = open(sys.argv[1], encoding="utf-8").read()
section = readme[readme.index("## Using Nabla in your Maven build"):]
block = re.search(r"```xml\n(.*?)```", section, re.S)
open(sys.argv[2], "w", encoding="utf-8").write(block.group(1))
PY

write_ops() {
  local dir=$1/src/main/java/com/example
  mkdir -p "$dir"
  cat > "$dir/Square.java" <<'JAVA'
package com.example;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Saved;

public final class Square {
    @Saved Tensor x;

    @Differentiable
    Tensor forward(Tensor x) {
        this.x = x;
        return x.mul(x);
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        return gradOut.mul(x).mul(2);
    }
}
JAVA
  cat > "$dir/RowSum.java" <<'JAVA'
package com.example;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Saved;
import dev.nabla.annotations.Shape;

public final class RowSum {
    @Saved Tensor x;

    @Differentiable
    @Shape("n")
    Tensor forward(@Shape("n,m") Tensor x) {
        this.x = x;
        return x.sum(1, false);
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        return gradOut.unsqueeze(1).expandAs(x);
    }
}
JAVA
}

# Runs `mvn test $2` in project $1 and checks that exactly the classes $3... ran, each with one test.
check_project() {
  local name=$1
  local args=$2
  shift 2
  local log="$work/$name.log"
  # shellcheck disable=SC2086 # $args is a list of words
  if ! (cd "$work/$name" && "$mvn_cmd" -B test $args "${repo_opt[@]}" >"$log" 2>&1); then
    echo "outside-builds.sh: $name: mvn test failed; see $log" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  local ran
  ran=$(sed -n 's/.*Tests run: \([0-9]*\), Failures: 0, Errors: 0, Skipped: 0, Time elapsed: .* in \(.*\)$/\2 \1/p' "$log" | sort)
  local expected
  expected=$(printf '%s 1\n' "$@" | sort)
  if [ "$ran" != "$expected" ]; then
    echo "outside-builds.sh: $name ran" >&2
    echo "$ran" >&2
    echo "expected" >&2
    echo "$expected" >&2
    echo "see $log" >&2
    exit 1
  fi
  echo "outside-builds.sh: $name (mvn test $args): $(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures' "$log" | tail -n 1 | sed 's/^\[[A-Z]*\] //')"
  printf '  %s\n' "$@"
}

mkdir -p "$work/with-tests" "$work/ops-only"
cp "$work/pom.xml" "$work/with-tests/pom.xml"
cp "$work/pom.xml" "$work/ops-only/pom.xml"
write_ops "$work/with-tests"
write_ops "$work/ops-only"
mkdir -p "$work/with-tests/src/test/java/com/example"
cat > "$work/with-tests/src/test/java/com/example/SquareTest.java" <<'JAVA'
package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;

class SquareTest {
    @Test
    void squares() {
        assertArrayEquals(new double[] {4, 9}, SquareFunction.apply(Tensor.of(2.0, 3.0)).toDoubleArray());
    }
}
JAVA

"$mvn_cmd" -B -v | sed -n 1p
# Surefire reports each generated check under the op's function, whose gradcheck() declares it.
check_project with-tests "" com.example.SquareTest com.example.SquareFunction \
  com.example.RowSumFunction
check_project with-tests "-Dtest=GradcheckTests" com.example.SquareFunction \
  com.example.RowSumFunction
check_project ops-only "" com.example.SquareFunction com.example.RowSumFunction
rm -rf "$work"
