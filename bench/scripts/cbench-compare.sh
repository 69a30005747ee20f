#!/usr/bin/env bash
# Runs the cbench-style generator (dev.iovirt.bench.controller.Cbench) against our controller
# (learning-switch app only), ovs-testcontroller and os-ken (src/test/resources/osken/learning_switch.py),
# one after the other in the same run, and prints responses/s, RTT and the CPU seconds each side used.
# Our controller runs with one event loop (--threads 1) like the two peers: the generator shares the cores.
#   bench/scripts/cbench-compare.sh [switches=16] [seconds=10]
# Needs: ./build -q -o -pl bench -am package -DskipTests (bench/target/benchmarks.jar), ovs-testcontroller,
# osken-manager. Starts everything on 127.0.0.1 and stops it by PID.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
. scripts/find-jdk.sh
iovirt_find_jdk
J=$IOVIRT_JAVA_HOME/bin/java
switches=${1:-16}
seconds=${2:-10}
tmp=$(mktemp -d)
CP=bench/target/benchmarks.jar
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
measure() { # name pid port
    local name=$1 pid=$2 port=$3
    wait_port "$port"
    for mode in throughput latency; do
        local before after gen
        before=$(cpu "$pid")
        gen=$( { /usr/bin/time -f "%U %S" "$J" -cp "$CP" dev.iovirt.bench.controller.Cbench "127.0.0.1:$port" "$switches" "$seconds" "$mode" 2>&1 >"$tmp/out"; } | tail -1)
        after=$(cpu "$pid")
        echo "$name | $(grep -v SLF4J "$tmp/out") | controller CPU $(echo "$after - $before" | bc) s | generator CPU $(echo "$gen" | awk '{print $1 + $2}') s"
    done
    kill "$pid"
}
"$J" -cp "$CP" dev.iovirt.controller.ControllerMain --openflow 127.0.0.1:16653 --api 127.0.0.1:18181 --apps learning-switch --threads 1 >"$tmp/iovirt.log" 2>&1 &
measure iovirt $! 16653
OVS_RUNDIR=$tmp OVS_LOGDIR=$tmp ovs-testcontroller -O OpenFlow13 ptcp:16654:127.0.0.1 --detach --pidfile="$tmp/tc.pid" --log-file="$tmp/tc.log"
measure ovs-testcontroller "$(cat "$tmp/tc.pid")" 16654
osken-manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port 16655 sdn-controller/src/test/resources/osken/learning_switch.py >"$tmp/osken.log" 2>&1 &
measure os-ken $! 16655
rm -rf "$tmp"
