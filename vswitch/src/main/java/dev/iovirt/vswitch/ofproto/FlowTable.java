package dev.iovirt.vswitch.ofproto;

import dev.iovirt.vswitch.datapath.Classifier;

/** One OpenFlow flow table (OF 1.3.5 §5.3): its entries in a classifier, and its counters. */
final class FlowTable {
    /** Entries a table holds at most; beyond it a flow-mod fails with OFPFMFC_TABLE_FULL. */
    static final int MAX_ENTRIES = 1_000_000;

    final int id;
    final Classifier<FlowEntry> classifier = new Classifier<>();
    long lookups;
    long matched;

    FlowTable(int id) {
        this.id = id;
    }
}
