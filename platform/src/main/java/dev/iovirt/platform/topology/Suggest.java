package dev.iovirt.platform.topology;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** "Did you mean ...?": the nearest of the words valid at a place, if one is near enough and alone. */
final class Suggest {
    /** Farther than this (in edits) is not a typo but a different word. */
    static final int MAX_DISTANCE = 2;
    /** How many names a hint lists before it says "...". */
    private static final int MAX_LISTED = 10;

    private Suggest() {
    }

    /**
     * The one candidate within {@value #MAX_DISTANCE} edits of {@code word} (fewer than the word's own
     * length, so that "a" does not suggest "b"), or empty if there is none or two are equally near.
     */
    static Optional<String> closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        boolean tie = false;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
                tie = false;
            } else if (d == bestDistance) {
                tie = true;
            }
        }
        if (best == null || tie || bestDistance > MAX_DISTANCE || bestDistance >= word.length()) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    /**
     * The end of a message about a name that is not defined: {@code " — did you mean 'hv2'?"} for a
     * near miss, else the names there are
     * ({@code " — hosts are hv1, hv2"}), else that there are none.
     */
    static String hint(String word, Collection<String> defined, String singular, String plural) {
        Optional<String> c = closest(word, defined);
        if (c.isPresent()) {
            return " — did you mean '" + c.get() + "'?";
        }
        if (defined.isEmpty()) {
            return " — no " + plural + " are defined";
        }
        if (defined.size() == 1) {
            return " — the only " + singular + " is " + defined.iterator().next();
        }
        String list = defined.stream().limit(MAX_LISTED).collect(Collectors.joining(", "));
        return " — " + plural + " are " + list + (defined.size() > MAX_LISTED ? ", ..." : "");
    }

    /** The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
