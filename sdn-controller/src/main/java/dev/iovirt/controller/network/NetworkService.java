package dev.iovirt.controller.network;

import dev.iovirt.openflow.DatapathId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The overlay networks, their members and the switches' tunnels. Changes complete once the
 * overlay app (if it runs) has the affected switches' flows confirmed by barriers; refusals are
 * {@link NetworkException}s, thrown before anything changes.
 */
public interface NetworkService {
    List<Network> networks();

    Optional<Network> network(String name);

    /** The members of {@code network}, in the order they were added. */
    List<Member> members(String network);

    /** Every member of every network. */
    List<Member> members();

    List<Tunnel> tunnels();

    /** The port of {@code dpid} that tunnels to {@code remote}, if one is registered. */
    Optional<Tunnel> tunnel(DatapathId dpid, DatapathId remote);

    /** Adds a network; CONFLICT if the name or the VNI is taken. */
    CompletableFuture<Network> add(Network network);

    /** Removes a network and its members (and their flows); NOT_FOUND if there is none. */
    CompletableFuture<Network> remove(String name);

    /** Adds a member; NOT_FOUND without the network, CONFLICT if its MAC is in the network or its port in another. */
    CompletableFuture<Member> addMember(Member member);

    /** Removes the member with {@code mac} from {@code network}; NOT_FOUND if there is none. */
    CompletableFuture<Member> removeMember(String network, String mac);

    /** Registers a tunnel port; CONFLICT if the port or the pair of switches already has one. */
    CompletableFuture<Tunnel> addTunnel(Tunnel tunnel);

    /** Unregisters the tunnel at {@code port} of {@code dpid}; NOT_FOUND if there is none. */
    CompletableFuture<Tunnel> removeTunnel(DatapathId dpid, long port);

    void addListener(NetworkListener listener);

    void removeListener(NetworkListener listener);
}
