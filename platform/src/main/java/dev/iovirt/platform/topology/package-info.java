/**
 * The topology file (DESIGN §6): the YAML a user writes to describe a virtualized data-center
 * network, its model, and the loader that turns one into the other or says, with file, line and
 * column, why it cannot.
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li>The model: {@link dev.iovirt.platform.topology.Topology} and the records it is made of
 *       ({@link dev.iovirt.platform.topology.HostSpec}, {@link dev.iovirt.platform.topology.NetworkSpec},
 *       {@link dev.iovirt.platform.topology.VmSpec}, {@link dev.iovirt.platform.topology.ApplianceSpec},
 *       {@link dev.iovirt.platform.topology.ChainSpec}, {@link dev.iovirt.platform.topology.TrafficSpec},
 *       {@link dev.iovirt.platform.topology.CaptureSpec}, {@link dev.iovirt.platform.topology.LinkSpec}, ...).
 *       A {@code Topology} that exists is valid: every reference resolves, every address lies in
 *       its network, every name is unique. Addresses are the {@code packet} module's value types.</li>
 *   <li>The loader: {@link dev.iovirt.platform.topology.TopologyLoader} reads a file (or a built-in
 *       topology such as {@code demo}) and returns a {@link dev.iovirt.platform.topology.LoadResult}:
 *       either a {@code Topology} or every {@link dev.iovirt.platform.topology.TopologyError} of the
 *       file, sorted by position. Nothing is ever half loaded.</li>
 *   <li>{@link dev.iovirt.platform.topology.Units}: the spellings of sizes, durations, rates and
 *       loss that a topology uses ({@code 256MiB}, {@code 500ms}, {@code 10kpps}, {@code 1Gbps},
 *       {@code 0.5%}).</li>
 * </ul>
 *
 * <h2>How a file is read</h2>
 * snakeyaml-engine composes the file into a node tree whose every node carries its start mark; the
 * YAML is never turned into maps of strings. {@code NodeReader} knows how to read typed values and
 * checked mappings from nodes and to put each error at its node; {@code TopologyParser}, built on
 * it, knows what a topology is. The parser walks the tree in dependency order,
 * not in file order (controller, hosts, networks, VMs, appliances, chains, traffic, captures,
 * links, cost model), so that each section can check its references against those already read.
 * Each problem is recorded against the node that causes it, with what was expected and, where
 * one exists, a suggestion (a key or name within Damerau–Levenshtein distance 2). A name that was
 * read is registered even if the rest of its entry is wrong, so that one mistake gives one error
 * and not a cascade.
 *
 * <p>Running a topology is not this package's business: it only promises that what it hands out
 * is consistent.
 */
package dev.iovirt.platform.topology;
