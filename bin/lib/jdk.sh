# Sourced by bin/chaojiyuyan, bin/test and .ci/run: finds a JDK 21 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME, then the default `java` on PATH, then the newest JDK under /usr/lib/jvm
# (or /Library/Java/JavaVirtualMachines on macOS).

cjy_java_major() {
  # Prints the major version of the java binary $1 (17, 21, 25, ...), or nothing. A JDK's `release` file
  # says it without starting a JVM (every launch asks, so this is on the start-up path); else ask java.
  local release version
  release="$(dirname "$(dirname "$1")")/release"
  if [ -r "$release" ]; then
    version="$(sed -n 's/^JAVA_VERSION="\([0-9][0-9.]*\).*/\1/p' "$release" | head -n 1)"
    case "$version" in
      1.*) echo "$version" | cut -d. -f2; return 0 ;;
      [0-9]*) echo "$version" | cut -d. -f1; return 0 ;;
    esac
  fi
  "$1" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

cjy_home_of() {
  # JAVA_HOME of the java binary $1 (following symlinks).
  local bin
  bin="$(readlink -f "$1" 2>/dev/null || echo "$1")"
  dirname "$(dirname "$bin")"
}

cjy_is_jdk21() {
  # True when $1 is a JDK home (java and javac) of version 21 or newer.
  local home="$1" major
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  major="$(cjy_java_major "$home/bin/java")"
  [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null
}

cjy_find_jdk() {
  local candidate best="" best_major=0 major
  if [ -n "${JAVA_HOME:-}" ] && cjy_is_jdk21 "$JAVA_HOME"; then
    echo "$JAVA_HOME"; return 0
  fi
  if command -v java >/dev/null 2>&1; then
    candidate="$(cjy_home_of "$(command -v java)")"
    if cjy_is_jdk21 "$candidate"; then echo "$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] || continue
    if cjy_is_jdk21 "$candidate"; then
      major="$(cjy_java_major "$candidate/bin/java")"
      if [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
    fi
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}

cjy_require_jdk() {
  local jdk
  if ! jdk="$(cjy_find_jdk)"; then
    echo "chaojiyuyan: no JDK 21 or newer found (looked at JAVA_HOME=${JAVA_HOME:-<unset>}, the java on PATH, and /usr/lib/jvm)." >&2
    echo "chaojiyuyan: install one (e.g. 'apt-get install openjdk-21-jdk' or a Temurin 21+) or point JAVA_HOME at it." >&2
    exit 1
  fi
  export JAVA_HOME="$jdk"
  # Its major version, for flags that need a newer JDK (the launcher's AppCDS needs 19+).
  CJY_JAVA_MAJOR="$(cjy_java_major "$jdk/bin/java")"
}
