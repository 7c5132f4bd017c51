package dev.strata.restore;

import dev.strata.restore.target.postgres.CommitInDoubtException;
import dev.strata.schemas.crypto.DataKeyUnavailableException;
import dev.strata.schemas.crypto.UnopenableBodyException;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.kafka.KafkaUnavailableException;
import dev.strata.schemas.kafka.MissingTopicException;
import dev.strata.schemas.store.StoreOperation;
import dev.strata.schemas.store.failure.StoreAccessDeniedException;
import dev.strata.schemas.store.failure.StoreRequestFailedException;
import dev.strata.schemas.store.failure.StoreUnavailableException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** Which errors a scheduler may retry as they are (4), which need a fix first (2), and which are findings (3). */
class ExitCodesTest {
    private static final String STORE = "bucket 'strata-eu-primary' at http://127.0.0.1:1";

    @Test
    void aServerThatDoesNotAnswerIsUnavailable() {
        assertThat(ExitCodes.of(new StoreUnavailableException(StoreOperation.LIST, STORE, null, "cannot connect", null)))
                .isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new StoreRequestFailedException(StoreOperation.GET, STORE, null, 503, "SlowDown", null)))
                .as("a store answering 5xx").isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new KafkaUnavailableException("cannot read strata.tenants", "127.0.0.1:1", Duration.ofSeconds(30), null)))
                .isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new SQLException("Connection to 127.0.0.1:1 refused", "08001")))
                .as("JDBC connection exception, SQLState class 08").isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new SQLException("FATAL: the database system is starting up", "57P03")))
                .as("a server starting up, in recovery or shutting down").isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new SQLException("FATAL: terminating connection because of crash of another server process", "57P02")))
                .as("a server that crashed under the restore").isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new SQLException("FATAL: terminating connection due to administrator command", "57P01")))
                .as("a session terminated by an operator (pg_terminate_backend) is not retried as it is").isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.of(new SQLException("ERROR: canceling statement due to user request", "57014")))
                .as("a cancelled statement is not a server going away").isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.of(new UnavailableException("cannot connect to the target")))
                .isEqualTo(ExitCodes.UNAVAILABLE);
    }

    @Test
    void aSessionLostWhileItsCommitWasInFlightIsNoRetryLater() {
        SQLException lost = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        assertThat(ExitCodes.of(new CommitInDoubtException(lost))).isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.of(new IllegalStateException("cannot tell whether the rollback committed", new CommitInDoubtException(lost))))
                .as("as the rollback and the restore report it").isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void aKafkaTimeoutInsidePlainWrappersIsStillUnavailable() {
        Exception producer = new IllegalStateException("cannot write the placement of tenant acme",
                new ExecutionException(new TimeoutException("Topic strata.tenants not present in metadata after 60000 ms.")));
        assertThat(ExitCodes.of(producer)).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new IllegalStateException("send failed", new DisconnectException("lost"))))
                .isEqualTo(ExitCodes.UNAVAILABLE);
    }

    @Test
    void aSealedBodyThatDoesNotOpenIsAFindingAndAMissingKeyEncryptionKeyIsBadInput() {
        assertThat(ExitCodes.of(new IllegalStateException("x", new UnopenableBodyException("body of k fails authentication", null))))
                .isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(ExitCodes.of(new DataKeyUnavailableException("data key 202612-01 of tenant acme is in neither region's key store", null)))
                .isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(ExitCodes.of(DataKeyUnavailableException.configuration("set strata.regime.eu.kek.file", null)))
                .isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void aRefusedKeyOrPasswordIsBadInputNotUnavailable() {
        assertThat(ExitCodes.of(new StoreAccessDeniedException(StoreOperation.LIST, STORE, null, "AccessDenied", null)))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(ExitCodes.of(new IllegalStateException("x", new TopicAuthorizationException("denied")))).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(ExitCodes.of(new IllegalStateException("x", new SaslAuthenticationException("bad secret"))))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(ExitCodes.of(new SQLException("password authentication failed for user \"postgres\"", "28P01")))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(ExitCodes.of(new MissingTopicException("strata.watermarks", "127.0.0.1:9092"))).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void theOutermostErrorThatSaysWhatItIsDecides() {
        assertThat(ExitCodes.of(new VerificationFailedException("object altered"))).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(ExitCodes.of(new BadInputException("unknown tenant"))).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(ExitCodes.of(new UnavailableException("store down", new BadInputException("inner")))).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(ExitCodes.of(new SQLException("duplicate key", "23505"))).isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.of(new UncheckedIOException(new java.io.IOException("disk full")))).isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(ExitCodes.FAILED);
    }
}
