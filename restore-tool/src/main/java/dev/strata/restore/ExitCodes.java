package dev.strata.restore;

import dev.strata.restore.erase.TenantErasedException;
import dev.strata.schemas.crypto.DataKeyUnavailableException;
import dev.strata.schemas.crypto.UnopenableBodyException;
import dev.strata.schemas.kafka.KafkaReachability;
import dev.strata.schemas.kafka.MissingTopicException;
import dev.strata.schemas.ops.ServiceExit;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/** The tool's exit codes, for scripts, schedulers and drills; {@link #of} says which one an error means. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Anything not below: the message says what happened. */
    public static final int FAILED = 1;
    /** Fix the command line, the config or a key (access denied) before trying again. */
    public static final int BAD_INPUT = 2;
    /** The backup does not hold what was written (verify, replay, drill). */
    public static final int VERIFICATION_FAILED = 3;
    /**
     * A store, Kafka or the target database did not answer, or the database is starting up or crashed: the same command
     * may succeed later (the services' code too).
     */
    public static final int UNAVAILABLE = ServiceExit.UNAVAILABLE;
    /** The tenant was erased ({@code tenants erase}): its backup can never be read again, by design. Not worth retrying. */
    public static final int ERASED = 5;

    /** SQLState class 08, "connection exception": the database was not reached (refused, reset, unknown host). */
    private static final String SQL_CONNECTION_CLASS = "08";
    /** SQLState class 28, "invalid authorization specification": the user or its password was refused. */
    private static final String SQL_AUTHORIZATION_CLASS = "28";
    /**
     * The server answered but cannot serve yet (57P03 cannot_connect_now: starting up, in recovery, shutting down) or
     * crashed under the session (57P02 crash_shutdown): the same command may succeed once it is back. Not 57P01
     * (admin_shutdown): it is also what a session ended by pg_terminate_backend gets, which an operator may have done to
     * stop this very command; nor the rest of class 57 (a cancelled statement, a dropped database).
     */
    private static final Set<String> SQL_SERVER_NOT_READY = Set.of("57P02", "57P03");

    private ExitCodes() {
    }

    /**
     * The exit code of an error that ended a command. The outermost exception of its cause chain
     * that says what kind of error it is decides, so a wrapper that names the fix keeps its meaning
     * while a plain wrapper (an IllegalStateException around a Kafka timeout) does not hide the cause.
     */
    public static int of(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            int code = kind(t);
            if (code != FAILED) {
                return code;
            }
        }
        return FAILED;
    }

    /** Whether {@link #of} makes {@code error} an {@link #UNAVAILABLE}: worth retrying as it is. */
    public static boolean unavailable(Throwable error) {
        return of(error) == UNAVAILABLE;
    }

    private static int kind(Throwable t) {
        if (t instanceof TenantErasedException) {
            return ERASED;
        }
        // a sealed body that does not open was altered or moved; a data key the store lacks leaves the body unreadable
        if (t instanceof VerificationFailedException || t instanceof UnopenableBodyException
                || (t instanceof DataKeyUnavailableException missing && !missing.configuration())) {
            return VERIFICATION_FAILED;
        }
        if (t instanceof DataKeyUnavailableException) {
            return BAD_INPUT; // no key-encryption key configured, or not the regime's
        }
        if (t instanceof BadInputException || t instanceof MissingTopicException || t instanceof StoreAccessDeniedException
                || t instanceof AuthenticationException || t instanceof AuthorizationException
                || (t instanceof SQLException sql && sqlClass(sql).equals(SQL_AUTHORIZATION_CLASS))) {
            return BAD_INPUT;
        }
        if (t instanceof UnavailableException || t instanceof StoreUnavailableException || KafkaReachability.isUnavailability(t)
                || (t instanceof StoreRequestFailedException failed && failed.statusCode() >= 500)
                || (t instanceof SQLException sql && (sqlClass(sql).equals(SQL_CONNECTION_CLASS)
                        || SQL_SERVER_NOT_READY.contains(String.valueOf(sql.getSQLState()))))) {
            return UNAVAILABLE;
        }
        return FAILED;
    }

    private static String sqlClass(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.length() < 2 ? "" : state.substring(0, 2);
    }
}
