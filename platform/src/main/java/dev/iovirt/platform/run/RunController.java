package dev.iovirt.platform.run;

import dev.iovirt.controller.network.NetworkException;
import dev.iovirt.controller.sfc.FlowClassifier;
import dev.iovirt.controller.sfc.PortChain;
import dev.iovirt.controller.sfc.PortPair;
import dev.iovirt.controller.sfc.PortPairGroup;
import dev.iovirt.controller.sfc.SfcApp;
import dev.iovirt.controller.sfc.SfcManager;
import dev.iovirt.controller.ControllerMain;
import dev.iovirt.controller.app.OverlayApp;
import dev.iovirt.controller.network.Member;
import dev.iovirt.controller.network.Network;
import dev.iovirt.controller.network.Tunnel;
import dev.iovirt.controller.openflow.ControllerConfig;
import dev.iovirt.vswitch.agent.ControllerTarget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The SDN controller of a run (DESIGN §5, the embedded default): the controller of module
 * sdn-controller with its overlay app, in this process, with every hypervisor's switch connected to
 * it over OpenFlow on loopback TCP. The run registers the topology's networks, their members (each
 * vNIC's port and MAC) and the tunnels between hypervisors through the controller's network service
 * before the switches connect; each switch then gets its flows from the overlay app when it
 * connects, and the run starts its traffic once every switch has confirmed them (barriers).
 *
 * <p>The switches' agents run in step mode: the run's step driver drains what the controller sent
 * (flow mods, stats requests) when it polls the switch, so a run stays deterministic; while it
 * waits for the controller, the run pumps the agents itself.
 */
final class RunController implements AutoCloseable {
    /** How long the run waits for the switches to connect and confirm their flows (real time). */
    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final long PARK_NANOS = 50_000;

    private final ControllerMain controller;
    private final List<HypervisorSwitch> switches;

    private RunController(ControllerMain controller, Collection<HypervisorSwitch> switches) {
        this.controller = controller;
        this.switches = List.copyOf(switches);
    }

    /**
     * Starts the controller with OpenFlow on {@code openflow} and the REST API on {@code api}
     * (port 0: any free port), with the overlay app and no other.
     */
    static RunController start(Collection<HypervisorSwitch> switches, InetSocketAddress openflow, InetSocketAddress api,
                               String token) throws IOException {
        // One thread steps every switch of the run, so a switch answers as fast as that thread gets to
        // it: a request or a handshake waits up to PATIENCE, not the 5 s and 10 s a controller gives
        // a switch of its own.
        ControllerConfig defaults = ControllerConfig.defaults();
        ControllerConfig openflowConfig = new ControllerConfig(defaults.echoInterval(), PATIENCE, PATIENCE);
        ControllerMain.Options options = ControllerMain.Options.defaults().withLearningSwitch(false)
                .withLldp(false, Duration.ofMinutes(10)).withOverlay(true).withOpenflow(openflowConfig);
        ControllerMain c;
        try {
            c = ControllerMain.start(openflow, api, token, options);
        } catch (Exception e) {
            throw new IOException("the run's controller could not start (OpenFlow " + openflow + ", REST API " + api + "): "
                    + e.getMessage(), e);
        }
        return new RunController(c, switches);
    }

    ControllerMain controller() {
        return controller;
    }

    /**
     * Serves {@code resource} on the controller's REST API beside its own resources, with the same
     * token check and error bodies ({@link dev.iovirt.controller.rest.RestApi#addRoute}).
     */
    void route(String method, String path, java.util.function.Function<dev.iovirt.controller.rest.ApiRequest,
            CompletableFuture<dev.iovirt.controller.rest.ApiResponse>> resource) {
        controller.restApi().addRoute(method, path, resource);
    }

    /** Registers a network, a tunnel or a member; the change is refused at once or accepted (switches not connected yet). */
    void register(Network n) {
        controller.networks().add(n);
    }

    void register(Tunnel t) {
        controller.networks().addTunnel(t);
    }

    void register(Member m) {
        controller.networks().addMember(m);
    }

    /**
     * Connects every switch to the controller and pumps their agents until each has confirmed the
     * overlay app's flows.
     *
     * @throws IOException if that does not happen within {@link #PATIENCE}, or a switch refused a flow
     */
    void connectAndSync() throws IOException {
        OverlayApp overlay = controller.overlay().orElseThrow();
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        ControllerTarget target = new ControllerTarget(controller.openflowAddress().getHostString(), controller.openflowAddress().getPort());
        for (HypervisorSwitch sw : switches) {
            synced.add(overlay.whenSynced(sw.bridge().datapathId()));
            sw.agent().connect(target);
        }
        pumpUntil(CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)), "install the overlay's flows on every switch");
    }

    /** One chain as networking-sfc's objects: its port pairs, its port-pair groups, its classifier, the chain. */
    record Chain(List<PortPair> pairs, List<PortPairGroup> groups, FlowClassifier classifier, PortChain chain) {
    }

    /**
     * Creates the chains in the controller's SFC service (the same calls as {@code /api/v1/sfc}) and
     * pumps the agents until every switch has confirmed the chains' flows and groups.
     *
     * @throws IOException if the controller refuses one (naming it) or does not program it in time
     */
    void addChains(List<Chain> chains) throws IOException {
        SfcManager sfc = controller.sfc();
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (Chain c : chains) {
            try {
                for (PortPair p : c.pairs()) {
                    done.add(sfc.addPortPair(p));
                }
                for (PortPairGroup g : c.groups()) {
                    done.add(sfc.addPortPairGroup(g));
                }
                done.add(sfc.addFlowClassifier(c.classifier()));
                done.add(sfc.addPortChain(c.chain()));
            } catch (NetworkException e) {
                throw new IOException("the run's controller refused chain " + c.chain().name() + ": " + e.getMessage(), e);
            }
        }
        pumpUntil(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)), "create the chains");
        pumpUntil(controller.sfcApp().orElseThrow().sync(), "install the chains' flows on every switch");
    }

    /**
     * The counters of chain {@code name}'s hops, read from the switches (pumping them while they answer).
     *
     * @throws IOException if the switches do not answer in time
     */
    List<SfcApp.HopCounters> chainCounters(String name) throws IOException {
        CompletableFuture<List<SfcApp.HopCounters>> f = controller.sfcApp().orElseThrow().counters(name);
        pumpUntil(f, "read chain " + name + "'s counters");
        return f.join();
    }

    /** Drains the agents (step mode) until {@code f} completes. */
    private void pumpUntil(CompletableFuture<?> f, String what) throws IOException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!f.isDone()) {
            int work = 0;
            for (HypervisorSwitch sw : switches) {
                work += sw.agent().runUntilQuiet();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the run's controller did not " + what + " within " + PATIENCE.toSeconds() + " s");
            }
            if (work == 0) {
                LockSupport.parkNanos(PARK_NANOS);
            }
        }
        try {
            f.get();
        } catch (ExecutionException | CompletionException e) {
            throw new IOException("the run's controller could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the controller to " + what, e);
        }
    }

    @Override
    public void close() {
        controller.close();
    }
}
