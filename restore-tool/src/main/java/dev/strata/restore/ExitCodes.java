package dev.strata.restore;

/** The tool's exit codes, for scripts and drills. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int VERIFICATION_FAILED = 3;

    private ExitCodes() {
    }
}
