package dev.strata.schemas.layout;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Puts a Postgres table name ({@code schema.table}, which may be quoted and hold any character)
 * into one key segment. Letters, digits, {@code _ . -} stay as they are, so {@code public.orders}
 * reads plainly; every other UTF-8 byte becomes {@code %XX} (upper-case hex). The escaping is
 * canonical: one name has exactly one escaped form, so keys stay deterministic.
 */
final class TableNameEscaping {

    private TableNameEscaping() {
    }

    static String escape(String table) {
        StringBuilder out = new StringBuilder(table.length());
        for (byte b : table.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isPlain(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    static String unescape(String escaped) {
        ByteBuffer bytes = ByteBuffer.allocate(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%') {
                if (i + 2 >= escaped.length()) {
                    throw new IllegalArgumentException("'%' at the end of table name '" + escaped + "' needs two hex digits");
                }
                String hex = escaped.substring(i + 1, i + 3);
                if (!hex.matches("[0-9A-F]{2}")) {
                    throw new IllegalArgumentException("'%" + hex + "' in table name '" + escaped + "' is not %XX with upper-case hex");
                }
                bytes.put((byte) Integer.parseInt(hex, 16));
                i += 2;
            } else if (c < 0x80 && isPlain(c)) {
                bytes.put((byte) c);
            } else {
                throw new IllegalArgumentException("character '" + c + "' in table name '" + escaped + "' should have been escaped");
            }
        }
        bytes.flip();
        String table;
        try {
            table = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("table name '" + escaped + "' does not unescape to UTF-8", e);
        }
        if (!escape(table).equals(escaped)) {
            throw new IllegalArgumentException("table name '" + escaped + "' is not canonically escaped: expected '"
                    + escape(table) + "'");
        }
        return table;
    }

    private static boolean isPlain(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }
}
