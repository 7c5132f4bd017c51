package dev.strata.schemas.layout;

/** A string that is not a key of the Strata layout, or not the kind of key that was expected. */
public final class InvalidObjectKeyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidObjectKeyException(String key, String problem) {
        super("object key '" + printable(key) + "' is not a valid Strata key: " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }

    private static String printable(String key) {
        if (key == null) {
            return "null";
        }
        String shown = key.length() > 300 ? key.substring(0, 300) + "..." : key;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
