package dev.iovirt.vswitch.datapath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Tuple-space search over {@link FlowWords} keys, as Open vSwitch's classifier: rules with the same
 * mask share a subtable, which is a hash table of masked values; a lookup probes each subtable once.
 *
 * <h2>Lookup</h2>
 * Subtables are visited in decreasing order of the highest priority they hold, and the search stops
 * as soon as the best rule found outranks every remaining subtable. Each subtable probe hashes only
 * the words its mask touches and allocates nothing.
 *
 * <h2>Wildcards</h2>
 * A lookup can also report which bits of the key its answer depended on: the union of the masks of
 * every subtable it probed, hit or miss. Any other key that agrees with this one on those bits gets
 * the same answer — the property that lets the datapath install a megaflow for it.
 *
 * <p>Invariant: a classifier is used by one thread (the datapath's, or the pipeline's under its
 * lock); it is not safe for concurrent modification and lookup.
 *
 * @param <T> what a rule carries (actions, a flow entry)
 */
public final class Classifier<T> {
    /** A rule in the classifier: a match, a priority and its payload. */
    public static final class Rule<T> {
        private final FlowMatch match;
        private final int priority;
        private final T payload;
        private Subtable<T> subtable;

        Rule(FlowMatch match, int priority, T payload) {
            this.match = match;
            this.priority = priority;
            this.payload = payload;
        }

        public FlowMatch match() {
            return match;
        }

        public int priority() {
            return priority;
        }

        public T payload() {
            return payload;
        }

        /** Whether the rule is still in its classifier. */
        public boolean isInstalled() {
            return subtable != null;
        }

        @Override
        public String toString() {
            return "priority=" + priority + "," + match + " -> " + payload;
        }
    }

    /**
     * Rules with one mask: an open-addressed hash of masked values. The probe reads three flat
     * arrays — hashes, masked values, and the best rule of each slot — and touches no entry object
     * until it has a match, so a lookup in a large subtable costs few cache misses.
     *
     * <p>Invariant: {@code entries[i] == null} exactly when slot i is empty; then {@code best[i]} is null.
     */
    private static final class Subtable<T> {
        final long[] mask;
        final int[] words;
        final TreeMap<Integer, Integer> priorities = new TreeMap<>();
        long[] hashes;
        long[] values;
        Entry<T>[] entries;
        Rule<T>[] best;
        int size;
        int rules;
        long hits;

        Subtable(long[] mask) {
            this.mask = mask;
            int n = 0;
            for (long m : mask) {
                n += m != 0 ? 1 : 0;
            }
            words = new int[n];
            for (int i = 0, j = 0; i < mask.length; i++) {
                if (mask[i] != 0) {
                    words[j++] = i;
                }
            }
            allocate(16);
        }

        @SuppressWarnings("unchecked")
        private void allocate(int capacity) {
            hashes = new long[capacity];
            values = new long[capacity * Math.max(1, words.length)];
            entries = new Entry[capacity];
            best = new Rule[capacity];
        }

        int maxPriority() {
            return priorities.lastKey();
        }

        /** The slot holding the masked value of {@code key}, or -1. */
        int find(long hash, long[] key, int off) {
            long[] h = hashes;
            int m = h.length - 1;
            int nw = words.length;
            for (int i = (int) hash & m; ; i = (i + 1) & m) {
                if (entries[i] == null) {
                    return -1;
                }
                if (h[i] == hash && sameMasked(i * nw, key, off)) {
                    return i;
                }
            }
        }

        private boolean sameMasked(int at, long[] key, int off) {
            for (int j = 0; j < words.length; j++) {
                int w = words[j];
                if ((key[off + w] & mask[w]) != values[at + j]) {
                    return false;
                }
            }
            return true;
        }

        void put(Entry<T> e) {
            if ((size + 1) * 4 > entries.length * 3) {
                grow();
            }
            place(e);
            size++;
        }

        private void place(Entry<T> e) {
            int m = hashes.length - 1;
            int i = (int) e.hash & m;
            while (entries[i] != null) {
                i = (i + 1) & m;
            }
            entries[i] = e;
            hashes[i] = e.hash;
            best[i] = e.best;
            for (int j = 0; j < words.length; j++) {
                values[i * words.length + j] = e.value[words[j]];
            }
            e.slot = i;
        }

        private void grow() {
            Entry<T>[] old = entries;
            allocate(old.length * 2);
            for (Entry<T> e : old) {
                if (e != null) {
                    place(e);
                }
            }
        }

        /** Removes by backward-shift deletion, so probe sequences stay unbroken. */
        void delete(Entry<T> e) {
            int m = hashes.length - 1;
            int i = e.slot;
            entries[i] = null;
            best[i] = null;
            size--;
            for (int j = (i + 1) & m; entries[j] != null; j = (j + 1) & m) {
                Entry<T> moved = entries[j];
                entries[j] = null;
                best[j] = null;
                place(moved);
            }
        }

        void updateBest(Entry<T> e) {
            best[e.slot] = e.best;
        }
    }

    /** Rules of one masked value, highest priority first. */
    private static final class Entry<T> {
        final long hash;
        final long[] value;
        final List<Rule<T>> rules = new ArrayList<>(1);
        Rule<T> best;
        int slot;

        Entry(long hash, long[] value) {
            this.hash = hash;
            this.value = value;
        }
    }

    private final Map<MaskKey, Subtable<T>> byMask = new HashMap<>();
    @SuppressWarnings("unchecked")
    private Subtable<T>[] ordered = new Subtable[0];
    private int size;

    private record MaskKey(long[] mask) {
        @Override
        public boolean equals(Object o) {
            return o instanceof MaskKey k && Arrays.equals(mask, k.mask);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(mask);
        }
    }

    /** How many rules are installed. */
    public int size() {
        return size;
    }

    /** How many distinct masks (subtables) there are: the number of probes of a full lookup. */
    public int subtableCount() {
        return ordered.length;
    }

    /** Adds a rule; an identical match at the same priority may coexist (callers decide replacement). */
    public Rule<T> insert(FlowMatch match, int priority, T payload) {
        Rule<T> rule = new Rule<>(match, priority, payload);
        long[] mask = match.maskWords();
        Subtable<T> st = byMask.get(new MaskKey(mask));
        boolean newSubtable = st == null;
        if (newSubtable) {
            st = new Subtable<>(mask);
            byMask.put(new MaskKey(mask), st);
        }
        long[] value = match.valueWords();
        long hash = FlowWords.maskedHash(value, 0, st.mask, st.words);
        int slot = st.find(hash, value, 0);
        Entry<T> e;
        if (slot < 0) {
            e = new Entry<>(hash, value);
            e.rules.add(rule);
            e.best = rule;
            st.put(e);
        } else {
            e = st.entries[slot];
            int at = 0;
            while (at < e.rules.size() && e.rules.get(at).priority >= priority) {
                at++;
            }
            e.rules.add(at, rule);
            e.best = e.rules.get(0);
            st.updateBest(e);
        }
        int oldMax = newSubtable ? Integer.MIN_VALUE : st.maxPriority();
        st.priorities.merge(priority, 1, Integer::sum);
        st.rules++;
        rule.subtable = st;
        size++;
        if (newSubtable || st.maxPriority() != oldMax) {
            reorder();
        }
        return rule;
    }

    /** Removes a rule; false if it was not installed here. */
    public boolean remove(Rule<T> rule) {
        Subtable<T> st = rule.subtable;
        if (st == null || byMask.get(new MaskKey(st.mask)) != st) {
            return false;
        }
        long[] value = rule.match.valueWords();
        int slot = st.find(FlowWords.maskedHash(value, 0, st.mask, st.words), value, 0);
        Entry<T> e = slot < 0 ? null : st.entries[slot];
        if (e == null || !e.rules.remove(rule)) {
            return false;
        }
        rule.subtable = null;
        size--;
        int oldMax = st.maxPriority();
        st.priorities.computeIfPresent(rule.priority, (p, n) -> n == 1 ? null : n - 1);
        st.rules--;
        if (e.rules.isEmpty()) {
            st.delete(e);
        } else {
            e.best = e.rules.get(0);
            st.updateBest(e);
        }
        if (st.rules == 0) {
            byMask.remove(new MaskKey(st.mask));
            reorder();
        } else if (st.maxPriority() != oldMax) {
            reorder();
        }
        return true;
    }

    /** Removes every rule. */
    @SuppressWarnings("unchecked")
    public void clear() {
        forEach(r -> r.subtable = null);
        byMask.clear();
        ordered = new Subtable[0];
        size = 0;
    }

    /**
     * The highest-priority rule matching a packed key, or null.
     *
     * @param wildcards if not null, receives (OR) the mask bits the answer depended on
     */
    public Rule<T> lookup(long[] key, int off, long[] wildcards) {
        Rule<T> best = null;
        for (Subtable<T> st : ordered) {
            if (best != null && best.priority >= st.maxPriority()) {
                break;
            }
            if (wildcards != null) {
                for (int w : st.words) {
                    wildcards[w] |= st.mask[w];
                }
            }
            int slot = st.find(FlowWords.maskedHash(key, off, st.mask, st.words), key, off);
            if (slot >= 0) {
                Rule<T> r = st.best[slot];
                if (best == null || r.priority > best.priority) {
                    best = r;
                    st.hits++;
                }
            }
        }
        return best;
    }

    /** The installed rule with exactly this match and priority, or null. */
    public Rule<T> find(FlowMatch match, int priority) {
        Subtable<T> st = byMask.get(new MaskKey(match.maskWords()));
        if (st == null) {
            return null;
        }
        long[] value = match.valueWords();
        int slot = st.find(FlowWords.maskedHash(value, 0, st.mask, st.words), value, 0);
        if (slot < 0) {
            return null;
        }
        for (Rule<T> r : st.entries[slot].rules) {
            if (r.priority == priority) {
                return r;
            }
        }
        return null;
    }

    /** Visits every rule (order unspecified). Do not modify the classifier from the visitor. */
    public void forEach(Consumer<Rule<T>> visitor) {
        for (Subtable<T> st : ordered) {
            for (Entry<T> e : st.entries) {
                if (e != null) {
                    e.rules.forEach(visitor);
                }
            }
        }
    }

    /** All rules, as a list (allocates). */
    public List<Rule<T>> rules() {
        List<Rule<T>> all = new ArrayList<>(size);
        forEach(all::add);
        return all;
    }

    /**
     * Puts subtables with equal top priority in order of how often they were hit, most first; for a
     * cache of non-overlapping entries (megaflows) this shortens the average search.
     */
    public void rank() {
        Subtable<T>[] o = ordered.clone();
        Arrays.sort(o, (a, b) -> a.maxPriority() != b.maxPriority()
                ? Integer.compare(b.maxPriority(), a.maxPriority()) : Long.compare(b.hits, a.hits));
        ordered = o;
    }

    @SuppressWarnings("unchecked")
    private void reorder() {
        Subtable<T>[] o = byMask.values().toArray(new Subtable[0]);
        // Stable for equal priorities: ties keep the order of the previous array, so answers do not
        // change between equal-priority overlapping rules unless the rules change.
        List<Subtable<T>> previous = Arrays.asList(ordered);
        Arrays.sort(o, (a, b) -> {
            int c = Integer.compare(b.maxPriority(), a.maxPriority());
            if (c != 0) {
                return c;
            }
            int ia = previous.indexOf(a);
            int ib = previous.indexOf(b);
            return Integer.compare(ia < 0 ? Integer.MAX_VALUE : ia, ib < 0 ? Integer.MAX_VALUE : ib);
        });
        ordered = o;
    }
}
