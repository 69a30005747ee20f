package dev.iovirt.bench.platform;

import dev.iovirt.platform.run.TopologyRun;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.TopologyLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long a generated topology of {@code hosts} hypervisors × {@code vmsPerHost} VMs takes to start
 * in a 4 GiB heap (issue 10: 64 × 16 = 1,024 VMs in ≤ 15 s): parsing and checking the YAML, then
 * {@link TopologyRun#build}: every hypervisor's switch and VTEP with a VXLAN tunnel to every other,
 * every VM created with its virtio-net NIC, its guest booted (PCI enumeration, driver set-up) and the
 * overlay flows of 16 networks installed. Each VM has 64 MiB; the networks spread over all hosts.
 * One cold start per iteration (single shot), as a user meets it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Xms4g"})
public class TopologyStartBenchmark {
    @Param({"64"})
    public int hosts;

    @Param({"16"})
    public int vmsPerHost;

    private String yaml;

    @Setup
    public void generate() {
        StringBuilder b = new StringBuilder("name: generated\nhosts:\n");
        for (int h = 0; h < hosts; h++) {
            b.append("  - { name: hv").append(h).append(" }\n");
        }
        b.append("networks:\n");
        for (int n = 0; n < vmsPerHost; n++) {
            b.append("  - { name: net").append(n).append(", vni: ").append(1000 + n).append(", subnet: 10.").append(n).append(".0.0/16 }\n");
        }
        b.append("vms:\n");
        for (int h = 0; h < hosts; h++) {
            for (int v = 0; v < vmsPerHost; v++) {
                b.append("  - { name: vm").append(h).append('-').append(v).append(", host: hv").append(h)
                        .append(", memory: 64MiB, nics: [ { network: net").append(v).append(", model: virtio, ip: 10.")
                        .append(v).append('.').append(h).append('.').append(v + 1).append(" } ] }\n");
            }
        }
        yaml = b.toString();
    }

    @Benchmark
    public int start() throws Exception {
        Topology t = TopologyLoader.parse("generated.yaml", yaml).orElseThrow();
        try (TopologyRun run = TopologyRun.build(t)) {
            return run.vms().size();
        }
    }
}
