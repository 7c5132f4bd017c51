package dev.strata.schemas.config;

import java.util.Collection;
import java.util.Optional;

/**
 * The known key closest to a mistyped one, by edit distance (insertions, deletions, substitutions
 * and swaps of two neighbours, the usual typing slips). Ties go to the key that sorts first, so the
 * suggestion does not depend on the order the keys were defined in.
 */
public final class KeySuggestions {
    private KeySuggestions() {
    }

    /** Empty only when {@code known} is empty. */
    public static Optional<String> closest(String unknown, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(unknown, candidate);
            if (distance < bestDistance || (distance == bestDistance && candidate.compareTo(best) < 0)) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Whether {@code suggestion} is close enough to be what was meant: at most a third of what
     * follows their common start differs (every key starts {@code strata.}, which says nothing).
     * Farther than that, "did you mean" would be a guess, and the message says so.
     */
    public static boolean isLikely(String unknown, String suggestion) {
        int common = 0;
        while (common < unknown.length() && common < suggestion.length() && unknown.charAt(common) == suggestion.charAt(common)) {
            common++;
        }
        String a = unknown.substring(common);
        String b = suggestion.substring(common);
        return distance(a, b) <= Math.max(2, Math.max(a.length(), b.length()) / 3);
    }

    /** Optimal string alignment distance. */
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
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }
}
