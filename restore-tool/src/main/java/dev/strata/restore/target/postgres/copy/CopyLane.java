package dev.strata.restore.target.postgres.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One session of {@link CopyLanes}: a thread of its own writes the chunks it is handed into the COPY of their table, so the
 * loading thread never waits on this session's socket while another session is idle. Its COPYs run in one transaction,
 * committed when every lane's is. After a failure it keeps taking chunks and drops them, so that the loading thread is
 * never left blocked on a full queue; the failure is reported at the next chunk, end or commit.
 */
final class CopyLane {
    /** Chunks queued per lane beyond the one being written: enough to cover a refill, little memory. */
    private static final int QUEUED = 2;
    private static final long OFFER_WAIT_MILLIS = 100;

    private sealed interface Task permits Chunk, End, Commit {
    }

    private record Chunk(String copySql, boolean binary, byte[] bytes, int length) implements Task {
    }

    private record End(CompletableFuture<Long> counted) implements Task {
    }

    private record Commit(CompletableFuture<Void> done) implements Task {
    }

    private final Connection session;
    private final BlockingQueue<Task> tasks = new ArrayBlockingQueue<>(QUEUED);
    private final Consumer<byte[]> recycle;
    private final Thread thread;
    private volatile SQLException failure;
    /** Set when the thread stops taking tasks, for whatever reason: a task handed over after that is failed at once. */
    private volatile boolean ended;
    private CopyIn copy;
    private boolean binary;

    CopyLane(Connection session, int number, Consumer<byte[]> recycle) throws SQLException {
        this.session = session;
        this.recycle = recycle;
        session.setAutoCommit(false);
        this.thread = new Thread(this::run, "restore-copy-lane-" + number);
        thread.setDaemon(true);
        thread.start();
    }

    /** The failure of this lane's session so far, if any. */
    SQLException failure() {
        return failure;
    }

    void write(String copySql, boolean binary, byte[] bytes, int length) throws SQLException {
        put(new Chunk(copySql, binary, bytes, length));
    }

    /** Ends the lane's COPY of the current table, if it began one: the rows its server counted (0 if none). */
    CompletableFuture<Long> end() throws SQLException {
        CompletableFuture<Long> counted = new CompletableFuture<>();
        put(new End(counted));
        return counted;
    }

    CompletableFuture<Void> commit() throws SQLException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        put(new Commit(done));
        return done;
    }

    /** Stops the thread and closes the session: what it did and did not commit is rolled back by the server. */
    void close() {
        thread.interrupt();
        try {
            session.close();
        } catch (SQLException e) {
            // the server rolls back what a lost session did not commit
        }
    }

    private void put(Task task) throws SQLException {
        try {
            while (!tasks.offer(task, OFFER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                if (ended) {
                    throw failure;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while handing rows to a COPY session", e);
        }
        if (ended) { // the thread may have stopped before it took the task: whatever is left, nobody will take
            failLeft();
            throw failure;
        }
    }

    private void run() {
        Task task = null;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                task = tasks.take();
                try {
                    handle(task);
                } catch (SQLException | RuntimeException e) {
                    failure = e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
                    failed(task);
                }
                task = null;
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            // also after an Error: the loading thread hears of it at its next hand-over instead of waiting for ever
            if (failure == null) {
                failure = new SQLException("a COPY session's thread stopped before its work was done");
            }
            ended = true;
            if (task != null) {
                failed(task);
            }
            failLeft();
        }
    }

    private void failLeft() {
        for (Task left = tasks.poll(); left != null; left = tasks.poll()) {
            failed(left);
        }
    }

    private void handle(Task task) throws SQLException {
        if (failure != null) {
            failed(task);
            return;
        }
        if (task instanceof Chunk chunk) {
            if (copy == null) {
                copy = session.unwrap(PGConnection.class).getCopyAPI().copyIn(chunk.copySql());
                binary = chunk.binary();
                if (binary) {
                    copy.writeToCopy(BinaryCopyFrame.HEADER, 0, BinaryCopyFrame.HEADER.length);
                }
            }
            copy.writeToCopy(chunk.bytes(), 0, chunk.length());
            recycle.accept(chunk.bytes());
        } else if (task instanceof End end) {
            end.counted().complete(endCopy());
        } else if (task instanceof Commit commit) {
            session.commit();
            commit.done().complete(null);
        }
    }

    private long endCopy() throws SQLException {
        if (copy == null) {
            return 0;
        }
        CopyIn ending = copy;
        copy = null;
        if (binary) {
            ending.writeToCopy(BinaryCopyFrame.TRAILER, 0, BinaryCopyFrame.TRAILER.length);
        }
        return ending.endCopy();
    }

    private void failed(Task task) {
        if (task instanceof Chunk chunk) {
            recycle.accept(chunk.bytes());
        } else if (task instanceof End end) {
            end.counted().completeExceptionally(failure);
        } else if (task instanceof Commit commit) {
            commit.done().completeExceptionally(failure);
        }
    }
}
