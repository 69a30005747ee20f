package dev.iovirt.platform.topology;

import dev.iovirt.packet.Ipv4Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a snakeyaml-engine node tree and records each problem at the position of the node that
 * causes it: typed scalars (text, whole numbers in a range, addresses, words from a fixed set),
 * lists, mappings whose keys are checked (unknown, misspelled, duplicate, missing), and YAML syntax
 * errors turned into sentences. Nothing here knows what a topology is; {@link TopologyParser} does.
 *
 * <p>Every reader returns null after recording an error, so callers go on reading and the file's
 * errors are all collected.
 */
abstract class NodeReader {
    /** The file name errors carry, as the user gave it. */
    final String file;
    /** Every error recorded so far, in the order found. */
    final List<TopologyError> errors = new ArrayList<>();

    NodeReader(String file) {
        this.file = file;
    }

    /**
     * A plain YAML integer in {@code min..max} (decimal, 0x hex or 0o octal). A quoted number is text
     * and refused, with the advice to drop the quotes.
     */
    Integer integer(Node n, String key, long min, long max) {
        if (!(n instanceof ScalarNode s) || isNull(n)) {
            error(n, key + " must be a whole number, not " + describe(n));
            return null;
        }
        if (!s.getTag().equals(Tag.INT)) {
            if (s.getTag().equals(Tag.STR) && !s.isPlain() && s.getValue().strip().matches("[-+]?\\d+")) {
                error(n, key + " must be a number, not the text '" + s.getValue() + "' — remove the quotes");
            } else {
                error(n, key + " must be a whole number, not " + describe(n));
            }
            return null;
        }
        BigInteger v = parseInt(s.getValue());
        String range = max >= Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
        if (v == null || v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(Math.min(max, Integer.MAX_VALUE))) > 0) {
            error(n, key + " must be " + range + ", not " + s.getValue());
            return null;
        }
        return v.intValueExact();
    }

    /** The value of a YAML 1.2 core-schema integer, or null. */
    static BigInteger parseInt(String text) {
        String t = text.strip();
        boolean negative = t.startsWith("-");
        if (t.startsWith("-") || t.startsWith("+")) {
            t = t.substring(1);
        }
        try {
            BigInteger v;
            if (t.startsWith("0x")) {
                v = new BigInteger(t.substring(2), 16);
            } else if (t.startsWith("0o")) {
                v = new BigInteger(t.substring(2), 8);
            } else {
                v = new BigInteger(t);
            }
            return negative ? v.negate() : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An IPv4 address in dotted-quad notation. */
    Ipv4Address ipv4(Node n, String key) {
        String s = scalar(n, key, "an IPv4 address such as 10.0.1.11");
        if (s == null) {
            return null;
        }
        try {
            return Ipv4Address.of(s);
        } catch (IllegalArgumentException e) {
            error(n, key + " '" + s + "' is not an IPv4 address — write four numbers 0..255 joined by dots, e.g. 10.0.1.11");
            return null;
        }
    }

    /** One of a fixed set of words. */
    <E extends Enum<E>> E choice(Node n, String key, E[] values, Function<E, String> yamlName) {
        List<String> words = java.util.Arrays.stream(values).map(yamlName).toList();
        String s = scalar(n, key, "one of " + String.join(", ", words));
        if (s == null) {
            return null;
        }
        for (E v : values) {
            if (yamlName.apply(v).equals(s)) {
                return v;
            }
        }
        Optional<String> near = Suggest.closest(s, words);
        error(n, key + " '" + s + "' is not one of " + String.join(", ", words) + near.map(w -> " — did you mean '" + w + "'?").orElse(""));
        return null;
    }

    /** A scalar's text; an error (and null) for a mapping, a list or nothing. */
    String scalar(Node n, String key, String expected) {
        if (n instanceof ScalarNode s && !isNull(n)) {
            return s.getValue();
        }
        error(n, key + " must be " + expected + ", not " + describe(n));
        return null;
    }

    /** A list's items; an error (and null) for anything else. */
    List<Node> list(Node n, String key, String expected) {
        if (n instanceof SequenceNode s) {
            return s.getValue();
        }
        error(n, key + " must be " + expected + ", not " + describe(n)
                + (n instanceof MappingNode ? " — start each entry with '- '" : ""));
        return null;
    }

    /** A list; absent or empty ({@code vms:} with nothing after it) is an empty list. */
    List<Node> listOrEmpty(Node n, String key, String expected) {
        if (n == null || isNull(n)) {
            return List.of();
        }
        List<Node> l = list(n, key, expected);
        return l == null ? List.of() : l;
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    /** Text with control characters shown as {@code <U+0007>}, so that a message never hides what it quotes. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                sb.append(String.format("<U+%04X>", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /** What a node is, for "must be X, not Y" messages: "a list", "the number 3", "the text 'abc'". */
    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) n;
        Tag t = s.getTag();
        String v = printable(s.getValue().length() > 40 ? s.getValue().substring(0, 37) + "..." : s.getValue());
        if (t.equals(Tag.NULL)) {
            return "nothing";
        }
        if (t.equals(Tag.INT) || t.equals(Tag.FLOAT)) {
            return "the number " + v;
        }
        if (t.equals(Tag.BOOL)) {
            return "the boolean " + v;
        }
        return "the text '" + v + "'";
    }

    CheckedMapping mapping(Node n, String what) {
        if (n instanceof MappingNode m) {
            return new CheckedMapping(m);
        }
        error(n, what.replaceFirst("^(a|an|the) ", "") + " must be a mapping of keys to values, not " + describe(n)
                + (n instanceof ScalarNode s && !isNull(n) && s.getValue().contains(":") ? " — put a space after each ':'" : ""));
        return null;
    }

    /** A mapping's entries by key, with duplicate and non-text keys reported. */
    final class CheckedMapping {
        final MappingNode node;
        final Map<String, Node> values = new LinkedHashMap<>();
        final Map<String, Node> keys = new LinkedHashMap<>();
        /** Valid keys that an unknown key here was taken for a misspelling of; they are not also reported missing. */
        final Set<String> misspelled = new HashSet<>();

        CheckedMapping(MappingNode node) {
            this.node = node;
            for (NodeTuple t : node.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || isNull(t.getKeyNode())) {
                    error(t.getKeyNode(), "a key must be a plain word, not " + describe(t.getKeyNode()));
                    continue;
                }
                Node first = keys.putIfAbsent(k.getValue(), k);
                if (first != null) {
                    error(k, "key '" + k.getValue() + "' appears twice in this mapping (the first at " + pos(first) + ") — keep one");
                    continue;
                }
                values.put(k.getValue(), t.getValueNode());
            }
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        Node get(String key) {
            return values.get(key);
        }

        Node key(String key) {
            return keys.get(key);
        }

        String scalarText(String key) {
            return values.get(key) instanceof ScalarNode s ? s.getValue() : "?";
        }

        /** The value of a required key, or null after reporting that it is missing. */
        Node required(String key, String owner, String expected) {
            Node v = values.get(key);
            if (v == null && !misspelled.contains(key)) {
                error(node, owner + " is missing the required key '" + key + "' (" + expected + ")");
            }
            return v;
        }

        /** Reports every key that is not valid here, with the nearest valid one if it is near. */
        void checkKeys(List<String> valid, String what) {
            for (Map.Entry<String, Node> e : keys.entrySet()) {
                if (valid.contains(e.getKey())) {
                    continue;
                }
                Optional<String> near = Suggest.closest(e.getKey(), valid);
                near.ifPresent(misspelled::add);
                error(e.getValue(), "unknown key '" + e.getKey() + "'" + near.map(w -> " — did you mean '" + w + "'?")
                        .orElse(" in " + what + " — valid keys are " + String.join(", ", valid)));
            }
        }
    }

    void error(Node n, String message) {
        Optional<Mark> m = n == null ? Optional.empty() : n.getStartMark();
        errors.add(new TopologyError(file, m.map(x -> x.getLine() + 1).orElse(1), m.map(x -> x.getColumn() + 1).orElse(1), message));
    }

    static String pos(Node n) {
        return n.getStartMark().map(m -> (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("?");
    }

    void syntaxError(MarkedYamlEngineException e) {
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String context = e.getContext() == null ? "" : e.getContext();
        Optional<Mark> pm = e.getProblemMark();
        Optional<Mark> cm = e.getContextMark();
        String cpos = cm.map(m -> (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse("?");
        Optional<Mark> at = pm;
        String msg;
        if (problem.contains("\\t(TAB)") || problem.contains("\t")) {
            msg = "a tab character cannot indent YAML — indent with spaces";
        } else if (context.contains("quoted scalar") && problem.contains("end of stream")) {
            at = cm.or(() -> pm);
            msg = "this quoted string is never closed — add the closing quote";
        } else if (context.contains("quoted scalar") && problem.contains("escape character")) {
            msg = "unknown escape in a double-quoted string (" + problem.replace("found ", "") + ") — use single quotes, or write \\\\ for a backslash";
        } else if (problem.contains("mapping values are not allowed here")) {
            msg = "unexpected ':' — a mapping cannot start here; check this line's indentation, or quote a value that contains ': '";
        } else if (context.contains("flow sequence") && problem.contains("<stream end>")) {
            at = cm.or(() -> pm);
            msg = "this '[' is never closed — add the matching ']'";
        } else if (context.contains("flow mapping") && problem.contains("<stream end>")) {
            at = cm.or(() -> pm);
            msg = "this '{' is never closed — add the matching '}'";
        } else if (context.contains("flow sequence")) {
            msg = "expected ',' or ']' to go on with the list that opens at " + cpos + " — is its closing ']' missing?";
        } else if (context.contains("flow mapping")) {
            msg = "expected ',' or '}' to go on with the mapping that opens at " + cpos + " — is its closing '}' missing?";
        } else if (context.contains("block mapping") || context.contains("block collection") || context.contains("indentless sequence")) {
            msg = "bad indentation: this line does not line up with the " + (context.contains("mapping") ? "mapping" : "list")
                    + " that starts at " + cpos + " — indent it like its siblings";
        } else if (problem.contains("could not find expected ':'")) {
            at = cm.or(() -> pm);
            msg = "a key without ':' — write key: value (or start a list entry with '- ')";
        } else if (problem.contains("found undefined alias")) {
            msg = "alias '*" + problem.replace("found undefined alias ", "") + "' refers to no anchor defined before it";
        } else if (context.contains("single document")) {
            msg = "a second YAML document starts here — a topology file holds exactly one";
        } else {
            msg = "YAML syntax error: " + problem + (context.isEmpty() ? "" : " (" + context + (cm.isPresent() ? " at " + cpos : "") + ")");
        }
        errors.add(new TopologyError(file, at.map(m -> m.getLine() + 1).orElse(1), at.map(m -> m.getColumn() + 1).orElse(1), msg));
    }

    static int[] lineColumn(String text, int codePointIndex) {
        int line = 1;
        int col = 1;
        int i = 0;
        for (int cp = 0; i < text.length() && cp < codePointIndex; cp++) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new int[] {line, col};
    }
}
