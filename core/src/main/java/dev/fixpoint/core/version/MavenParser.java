package dev.fixpoint.core.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maven 3.9's {@code ComparableVersion.parseVersion}, token by token, building the flat chain of lists
 * described in {@link MavenItem}.
 *
 * <p>The text is lower-cased with {@code Locale.ENGLISH}; {@code .} and {@code -} end a token ({@code -}
 * also opens a sub-list, and an empty token is {@code 0}); a change between digits ({@link
 * Character#isDigit}, so any Unicode decimal digit) and anything else also ends a token and opens a
 * sub-list. Then each list drops its trailing null items, innermost list first.
 */
final class MavenParser {
    private MavenParser() {}

    static MavenItem[][] parse(String version) {
        String v = version.toLowerCase(Locale.ENGLISH);
        List<List<MavenItem>> chain = new ArrayList<>();
        List<MavenItem> list = subList(chain);
        boolean isDigit = false;
        int start = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '.' || c == '-') {
                list.add(i == start ? MavenItem.ZERO : item(isDigit, v, start, i));
                start = i + 1;
                if (c == '-') {
                    list = subList(chain);
                }
            } else if (Character.isDigit(c)) {
                if (!isDigit && i > start) { // 1.0.0.X1 < 1.0.0-X2: treat .X as -X
                    if (!list.isEmpty()) {
                        list = subList(chain);
                    }
                    list.add(MavenItem.qualifier(v.substring(start, i), true));
                    start = i;
                    list = subList(chain);
                }
                isDigit = true;
            } else {
                if (isDigit && i > start) {
                    list.add(item(true, v, start, i));
                    start = i;
                    list = subList(chain);
                }
                isDigit = false;
            }
        }
        if (v.length() > start) {
            if (!isDigit && !list.isEmpty()) {
                list = subList(chain);
            }
            list.add(item(isDigit, v, start, v.length()));
        }
        return normalize(chain);
    }

    /** Opens a list as the last element of the current one (the chain's last). */
    private static List<MavenItem> subList(List<List<MavenItem>> chain) {
        List<MavenItem> list = new ArrayList<>();
        chain.add(list);
        return list;
    }

    private static MavenItem item(boolean isDigit, String v, int from, int to) {
        return isDigit ? number(v, from, to) : MavenItem.qualifier(v.substring(from, to), false);
    }

    /**
     * A number, typed as maven-artifact types it: by its length after stripping ASCII {@code 0}s (an
     * all-zero token keeps its length), up to 9 an int, up to 18 a long, else a BigInteger.
     */
    private static MavenItem number(String v, int from, int to) {
        int stripped = from;
        while (stripped < to && v.charAt(stripped) == '0') {
            stripped++;
        }
        int length = stripped == to ? to - from : to - stripped;
        int kind = length <= 9 ? MavenItem.INT : length <= 18 ? MavenItem.LONG : MavenItem.BIG_INTEGER;
        return MavenItem.number(kind, asciiDigits(v, from, to));
    }

    /** The value of a run of Unicode decimal digits as canonical ASCII digits. */
    private static String asciiDigits(String v, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int d = Character.digit(v.charAt(i), 10);
            if (sb.length() > 0 || d != 0) {
                sb.append((char) ('0' + d));
            }
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }

    /** Innermost list first: drop trailing null items, then the list itself if empty. */
    private static MavenItem[][] normalize(List<List<MavenItem>> chain) {
        int n = chain.size();
        for (int k = n - 1; k >= 0; k--) {
            List<MavenItem> list = chain.get(k);
            int size = list.size();
            while (size > 0 && list.get(size - 1).isNull()) {
                size--;
            }
            list.subList(size, list.size()).clear();
            if (k == n - 1 && k > 0 && size == 0) {
                n--;
            }
        }
        MavenItem[][] out = new MavenItem[n][];
        for (int k = 0; k < n; k++) {
            out[k] = chain.get(k).toArray(new MavenItem[0]);
        }
        return out;
    }
}
