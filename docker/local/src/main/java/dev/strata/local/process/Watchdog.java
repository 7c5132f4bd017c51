package dev.strata.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Orphan protection: a tiny {@code sh} child that blocks reading its stdin, a pipe from this JVM.
 * The pipe closes when this JVM closes it OR dies in any way, even by SIGKILL, and the shell then
 * stops the server's processes and removes its directory (a foreground server that already exited
 * on its own keeps its directory, its logs, for this JVM to read). Shutdown hooks cannot cover SIGKILL.
 */
public final class Watchdog implements AutoCloseable {
    // Runs the server as a background child; a background watcher blocks on our pipe (fd 3: a
    // background list would otherwise read /dev/null), then SIGTERMs the server, SIGKILLs it after
    // 30 s and removes its directory. The shell itself exits with the server, so Process.isAlive()
    // tells whether the server runs. Traps come after the launch: the server must not inherit
    // ignored signals, while the watcher must survive a Ctrl-C or a group SIGTERM to do its job.
    // A server that exited on its own keeps its directory: the JDK closes our pipe as soon as the
    // shell exits, and removing it then took the logs that say why (a broker that exited during
    // start-up left no log, nor could a port taken then, which is retried, be told); whoever
    // started it removes it after reading them.
    private static final String FOREGROUND_SCRIPT = String.join("\n",
            "dir=$1; shift",
            "\"$@\" & child=$!",
            "trap '' INT HUP TERM",
            "exec 3<&0",
            "{",
            "  cat > /dev/null",
            // its pid files go: a later run's reaping would kill whatever process has that pid by then
            "  kill -0 $child 2>/dev/null || { rm -f \"$dir\"/*.pid; exit 0; }",
            "  kill -TERM $child 2>/dev/null",
            "  i=0",
            "  while kill -0 $child 2>/dev/null; do",
            "    sleep 0.1; i=$((i+1))",
            "    [ $i -eq 300 ] && kill -KILL $child 2>/dev/null",
            "  done",
            "  rm -rf \"$dir\"",
            "} <&3 &",
            "exec 3<&-",
            "wait $child");

    // For daemons that fork away (Ceph, postgres): they are found by the pid files they write.
    private static final String PID_FILES_SCRIPT = String.join("\n",
            "signal=$1; dir=$2; shift 2",
            // a zombie is dead: orphans are reaped by pid 1 only every few seconds here
            "running() { [ -r /proc/$1/stat ] && [ \"$(cut -d ' ' -f 3 /proc/$1/stat 2>/dev/null)\" != Z ]; }",
            "trap '' INT HUP TERM",
            "cat > /dev/null",
            "pids=",
            "for f in \"$@\"; do",
            "  [ -f \"$f\" ] || continue",
            "  p=$(head -n 1 \"$f\")",
            "  case \"$p\" in ''|*[!0-9]*) continue;; esac",
            "  pids=\"$pids $p\"",
            "done",
            "if [ -n \"$pids\" ]; then",
            "  kill -\"$signal\" $pids 2>/dev/null",
            "  i=0",
            "  while [ $i -lt 50 ]; do",
            "    alive=",
            "    for p in $pids; do running $p && alive=1; done",
            "    [ -z \"$alive\" ] && break",
            "    sleep 0.1; i=$((i+1))",
            "  done",
            "  kill -KILL $pids 2>/dev/null",
            "fi",
            "rm -rf \"$dir\"");

    private final Process shell;

    private Watchdog(Process shell) {
        this.shell = shell;
    }

    /**
     * The command line that runs {@code command} under a watchdog: start it with a piped stdin and
     * close that pipe (or die) to stop it; {@code dir} is removed once it has stopped it, and kept
     * when the command exited on its own (its logs are there; the caller removes it).
     */
    public static List<String> wrapForeground(List<String> command, Path dir) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", FOREGROUND_SCRIPT, "watchdog", dir.toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Watches daemons by their pid files. On EOF it sends {@code signal} (e.g. TERM, INT), waits up
     * to 5 s, SIGKILLs what is left and removes {@code dir}. Pid files are read only at that moment,
     * so a daemon restarted later (a gateway) is still covered.
     */
    public static Watchdog watchPidFiles(String signal, Path dir, List<Path> pidFiles) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", PID_FILES_SCRIPT, "watchdog", signal, dir.toString()));
        pidFiles.forEach(file -> command.add(file.toString()));
        try {
            Process shell = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Watchdog(shell);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the orphan watchdog (sh) for " + dir, e);
        }
    }

    /**
     * Fires the watchdog and waits for it. Call after stopping the daemons yourself: it then finds
     * nothing to kill and only makes sure the directory is gone.
     */
    @Override
    public void close() {
        try {
            shell.getOutputStream().close();
            if (!shell.waitFor(15, TimeUnit.SECONDS)) {
                shell.destroyForcibly();
            }
        } catch (IOException e) {
            shell.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shell.destroyForcibly();
        }
    }
}
