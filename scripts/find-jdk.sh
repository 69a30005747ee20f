# Sourced by ./iovirt and ./build: sets IOVIRT_JAVA_HOME to a JDK >= 21, or prints what to install.
# Order: JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm (and macOS's
# /Library/Java/JavaVirtualMachines), then the java on the PATH.

iovirt_java_major() { # prints the feature version of the java at $1/bin/java, or nothing
    local v
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
    case "$v" in 1.*) echo "${v#1.}" ;; *) echo "$v" ;; esac
}

iovirt_find_jdk() {
    local want=21 best="" best_v=0 cand v
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        v=$(iovirt_java_major "$JAVA_HOME")
        if [ -n "$v" ] && [ "$v" -ge "$want" ]; then
            IOVIRT_JAVA_HOME=$JAVA_HOME
            return 0
        fi
    fi
    for cand in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -x "$cand/bin/javac" ] || continue
        v=$(iovirt_java_major "$cand")
        if [ -n "$v" ] && [ "$v" -ge "$want" ] && [ "$v" -gt "$best_v" ]; then
            best=$cand
            best_v=$v
        fi
    done
    if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
        cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
        v=$(iovirt_java_major "$cand")
        if [ -n "$v" ] && [ "$v" -ge "$want" ]; then
            best=$cand
        fi
    fi
    if [ -z "$best" ]; then
        echo "iovirt needs a JDK $want or newer and found none (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm, PATH)." >&2
        echo "Install one, e.g. 'apt-get install openjdk-21-jdk' or a Temurin JDK 21+, or set JAVA_HOME to it." >&2
        return 1
    fi
    IOVIRT_JAVA_HOME=$best
}
