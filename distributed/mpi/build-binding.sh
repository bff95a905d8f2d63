#!/usr/bin/env bash
# Builds Open MPI's Java binding (the classes of mpi.jar), which Debian ships as a native
# library (libmpi_java.so) but without its jar. The 36 Java files come from Debian's source
# package of exactly the installed version, pinned by <openmpi.version> in the parent pom, so
# the Java side's native methods match the library. apt verifies the download against
# Debian's signed indexes and dpkg-source against the .dsc's checksums. The system's apt
# sources are left alone: a private sources list with one deb-src line is used instead.
#
# Output: distributed/mpi/binding/{classes/,mpi.jar,VERSION}, which the nabla-distributed
# build picks up (its "mpi" profile). Without MPI installed it says so and exits 1.
# Needs network once; a second run with the same version does nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's:.*<openmpi.version>\(.*\)</openmpi.version>.*:\1:p' "$root/pom.xml")
out="$here/binding"

installed=$(dpkg-query -W -f='${source:Version}' libopenmpi3 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
  echo "build-binding: needs Open MPI $version (apt-get install openmpi-bin libopenmpi-dev), found ${installed:-none}" >&2
  exit 1
fi
if [ "$(cat "$out/VERSION" 2>/dev/null)" = "$version" ] && [ -f "$out/mpi.jar" ]; then
  echo "build-binding: Open MPI $version binding already built in $out"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
echo "deb-src http://deb.debian.org/debian bookworm main" > "$work/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
apt-get -qq "${apt_private[@]}" update
(cd "$work" && apt-get -qq "${apt_private[@]}" source --download-only "openmpi=$version" 2>/dev/null)
(cd "$work" && dpkg-source -q -x "openmpi_$version.dsc" src >/dev/null)

java_src="$work/src/ompi/mpi/java/java"
rm -rf "$out"
mkdir -p "$out/classes"
# Open MPI's own code, compiled as its Makefile does: its warnings are not ours to fix.
javac -nowarn -Xlint:none --release 17 -d "$out/classes" "$java_src"/*.java
jar cf "$out/mpi.jar" -C "$out/classes" .
echo "$version" > "$out/VERSION"
echo "build-binding: built $(ls "$java_src"/*.java | wc -l) files of Open MPI $version into $out/mpi.jar"
