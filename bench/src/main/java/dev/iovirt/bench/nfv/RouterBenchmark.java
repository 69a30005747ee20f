package dev.iovirt.bench.nfv;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.iovirt.nfv.router.Router;
import dev.iovirt.nfv.router.RouterConfig;
import dev.iovirt.nfv.router.RouterInterface;
import dev.iovirt.nfv.router.StaticRoute;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;

/**
 * The router's forwarding path on one core: 64-byte UDP frames in bursts of 32 to 256 destinations
 * spread over {@code routes} static /24 routes (plus the connected ones), next hops resolved:
 * parse, header checksum check, trie lookup, ARP cache hit, TTL decrement with RFC 1624 update, MAC
 * rewrite. Each operation also restores the 60-byte frame the previous one rewrote in place.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RouterBenchmark {
    static final int BURST = 32;
    static final int DESTINATIONS = 256;
    static final MacAddress R0 = MacAddress.of("02:50:00:00:00:00");
    static final MacAddress R1 = MacAddress.of("02:50:00:00:00:01");
    static final MacAddress HOST = MacAddress.of("02:aa:00:00:00:01");

    @Param({"10", "10000"})
    public int routes;

    private Router router;
    private byte[][] templates;
    private final byte[] buf = new byte[64];
    private int next;
    private final LoadBalancerBenchmark.Sink sink = new LoadBalancerBenchmark.Sink();

    @Setup(Level.Trial)
    public void setUp() {
        var ifs = List.of(new RouterInterface(0, R0, Ipv4Address.of("10.0.0.1"), 24),
                new RouterInterface(1, R1, Ipv4Address.of("10.1.0.1"), 16));
        var statics = new ArrayList<StaticRoute>();
        for (int i = 0; i < routes; i++) {
            // 20.x.y.0/24 via one of 16 gateways on interface 1
            statics.add(new StaticRoute(Ipv4Address.of(0x1400_0000 + (i << 8)), 24, Ipv4Address.of(10, 1, 0, 2 + (i & 15))));
        }
        router = new Router(RouterConfig.of(ifs, statics));
        for (int g = 0; g < 16; g++) {
            MacAddress gm = MacAddress.of(0x02_cc_00_00_00_00L + g);
            Ipv4Address gip = Ipv4Address.of(10, 1, 0, 2 + g);
            byte[] who = PacketBuilder.ethernet(gm, MacAddress.BROADCAST).arp(1, gm, gip, MacAddress.ZERO, Ipv4Address.of("10.1.0.1")).build();
            router.process(1, who, 0, who.length, 0, sink);
        }
        templates = new byte[DESTINATIONS][];
        for (int i = 0; i < DESTINATIONS; i++) {
            int route = (int) ((long) i * routes / DESTINATIONS);
            templates[i] = PacketBuilder.ethernet(HOST, R0).ipv4(Ipv4Address.of("10.0.0.10"), Ipv4Address.of(0x1400_0000 + (route << 8) + 7))
                    .udp(1000, 2000).payload(18).build();
        }
        long before = router.forwarded();
        forward();
        if (router.forwarded() - before != BURST) {
            throw new IllegalStateException("frames not forwarded");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long forward() {
        for (int i = 0; i < BURST; i++) {
            byte[] t = templates[next];
            next = next + 1 & DESTINATIONS - 1;
            System.arraycopy(t, 0, buf, 0, t.length);
            router.process(0, buf, 0, t.length, 1, sink);
        }
        return sink.bytes;
    }
}
