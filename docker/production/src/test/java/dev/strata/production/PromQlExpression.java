package dev.strata.production;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PromQL expression as far as these checks need it: its brackets balance, and the metric names it
 * selects. No PromQL parser for Java is on Maven Central, so names are found lexically: strings,
 * label matchers, range and offset brackets and the label lists of {@code by}, {@code without},
 * {@code on}, {@code ignoring} and {@code group_*} are removed; of the identifiers left, a name is
 * one that is not a keyword and is not followed by {@code (} (a function or aggregation).
 */
record PromQlExpression(String text, Set<String> metricNames) {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z_:0-9])(0x[0-9a-fA-F]+|\\d+(\\.\\d+)?([eE][+-]?\\d+)?[smhdwy]?)");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN", "atan2");

    /** @throws IllegalArgumentException naming the expression when its brackets do not balance or it selects nothing */
    static PromQlExpression parse(String text) {
        requireBalanced(text);
        String rest = STRING.matcher(text).replaceAll(" ");
        rest = LABEL_MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = LABEL_LIST.matcher(rest).replaceAll(" ");
        rest = NUMBER.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group();
            if (!KEYWORDS.contains(name) && !rest.substring(identifier.end()).stripLeading().startsWith("(")) {
                names.add(name);
            }
        }
        return new PromQlExpression(text, names);
    }

    private static void requireBalanced(String text) {
        Deque<Character> open = new ArrayDeque<>();
        String withoutStrings = STRING.matcher(text).replaceAll(" ");
        for (char c : withoutStrings.toCharArray()) {
            switch (c) {
                case '(', '[', '{' -> open.push(c);
                case ')', ']', '}' -> {
                    char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
                    if (open.isEmpty() || open.pop() != expected) {
                        throw new IllegalArgumentException("unbalanced '" + c + "' in PromQL expression: " + text);
                    }
                }
                default -> { }
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("unclosed '" + open.peek() + "' in PromQL expression: " + text);
        }
    }
}
