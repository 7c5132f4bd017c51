package dev.strata.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Executable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Injects the local servers into tests: a parameter of type {@link LocalKafka},
 * {@link LocalPostgres} or {@link LocalObjectStores} (constructor, lifecycle or test method).
 *
 * <p>Each server starts once per test JVM, and stops when the JVM exits (each server's own exit hook). Not in
 * JUnit's root store: failsafe hands a JVM of a module with several forks one class per launcher run, whose
 * root store JUnit closes after that class, so every class started its own servers again (a Ceph cluster and a
 * Kafka broker each). The classes of a JVM share the servers, so each names what it creates (buckets,
 * databases, tenants) for itself. A class run again in the same JVM (failsafe's rerun of a failed test) gets
 * new servers, as it did before: a name its first run created, or a server its first run broke, does not fail
 * the rerun. With {@value #SERVERS_PER_RUN_PROPERTY} every run gets new servers (a module's choice, in its pom).
 *
 * <p>When a test class starts, every server it asks for (in its constructors and JUnit methods) starts at once,
 * each on its own thread: Ceph dominates a start, and Kafka and PostgreSQL come up meanwhile instead of one
 * after the other. Their files are under the directory named by system property {@value #WORK_DIR_PROPERTY}
 * (failsafe sets it to {@code target/local-stack-<fork>}), by default {@code ${java.io.tmpdir}/strata-local}.
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class SinkIT {
 *     @Test void uploads(LocalKafka kafka, LocalObjectStores stores) { ... }
 * }
 * }</pre>
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {
    public static final String WORK_DIR_PROPERTY = "strata.local.work.dir";
    /** "true": each JUnit run gets servers of its own, as a class in a multi-fork module did before (the sink's, see its pom). */
    public static final String SERVERS_PER_RUN_PROPERTY = "strata.local.servers.per.run";

    private static final Set<String> RUNNING = Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate",
            "BeforeAll", "BeforeEach", "AfterEach", "AfterAll");
    /** This JVM's servers; guarded by the class's monitor, as the two fields below. */
    private static final Map<Class<?>, Starting> STARTED = new HashMap<>();
    /** Per test class, the JUnit run (its root context) that first began it: a later run of it is a rerun. */
    private static final Map<Class<?>, ExtensionContext> FIRST_RUN = new HashMap<>();
    /** The run the servers were last begun anew for; the classes it runs share them. */
    private static ExtensionContext renewedFor;
    private static final Map<Class<?>, Function<Path, AutoCloseable>> STARTERS = Map.of(
            LocalKafka.class, LocalKafka::start,
            LocalPostgres.class, LocalPostgres::start,
            LocalObjectStores.class, LocalObjectStores::start);

    /** The directory the servers keep their files in, from {@value #WORK_DIR_PROPERTY}. */
    public static Path workDir() {
        String configured = System.getProperty(WORK_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return Path.of(System.getProperty("java.io.tmpdir"), "strata-local");
        }
        return Path.of(configured);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return STARTERS.containsKey(parameter.getParameter().getType());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getTestClass().ifPresent(testClass -> {
            renewForAnotherRun(testClass, context.getRoot());
            serversAskedFor(testClass).forEach(LocalStackExtension::starting);
        });
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        // a constructor's parameters are resolved before beforeAll, so the rerun is told apart here too
        context.getTestClass().ifPresent(testClass -> renewForAnotherRun(testClass, context.getRoot()));
        try {
            return type.cast(starting(type).server());
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot start " + type.getSimpleName() + " for the tests: " + e.getMessage(), e);
        }
    }

    /** The server's start, begun now unless one is under way or done; one that failed is begun again for the class asking. */
    private static Starting starting(Class<?> type) {
        synchronized (LocalStackExtension.class) { // test classes running at once still start one server of a kind
            Starting starting = STARTED.get(type);
            if (starting == null || starting.future().isCompletedExceptionally()) {
                starting = Starting.begin(type, STARTERS.get(type));
                STARTED.put(type, starting);
            }
            return starting;
        }
    }

    /**
     * Stops this JVM's servers, once per run, when {@code testClass} was first begun by another run than {@code run} (a
     * rerun), or for every run with {@value #SERVERS_PER_RUN_PROPERTY}. Under the monitor: another class of the run waits,
     * then starts the new servers.
     */
    private static void renewForAnotherRun(Class<?> testClass, ExtensionContext run) {
        synchronized (LocalStackExtension.class) {
            ExtensionContext first = FIRST_RUN.putIfAbsent(testClass, run);
            boolean rerun = first != null && first != run;
            if (run == renewedFor || !(rerun || Boolean.getBoolean(SERVERS_PER_RUN_PROPERTY))) {
                return;
            }
            renewedFor = run;
            for (Starting starting : STARTED.values()) {
                try {
                    starting.close();
                } catch (Exception e) {
                    System.err.println("LocalStackExtension: a server did not stop cleanly before a new run: " + e);
                }
            }
            STARTED.clear();
        }
    }

    /** The server types a test class takes as parameters, in its hierarchy's constructors and JUnit methods. */
    private static Set<Class<?>> serversAskedFor(Class<?> testClass) {
        Set<Class<?>> types = new LinkedHashSet<>();
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Executable constructor : c.getDeclaredConstructors()) {
                addServers(constructor, types);
            }
            for (Executable method : c.getDeclaredMethods()) {
                if (isJUnitMethod(method)) {
                    addServers(method, types);
                }
            }
        }
        return types;
    }

    /** A test or lifecycle method that is not disabled (a filter such as -Dit.test=Class#method is not seen here). */
    private static boolean isJUnitMethod(Executable method) {
        boolean runs = false;
        for (var annotation : method.getAnnotations()) {
            String name = annotation.annotationType().getSimpleName();
            if (name.equals("Disabled")) {
                return false;
            }
            runs |= annotation.annotationType().getName().startsWith("org.junit.jupiter.") && RUNNING.contains(name);
        }
        return runs;
    }

    private static void addServers(Executable executable, Set<Class<?>> types) {
        for (Class<?> parameterType : executable.getParameterTypes()) {
            if (STARTERS.containsKey(parameterType)) {
                types.add(parameterType);
            }
        }
    }

    /** One server coming up on its own thread; closing it waits for the start, then stops what started. */
    private record Starting(CompletableFuture<AutoCloseable> future) implements AutoCloseable {
        static Starting begin(Class<?> type, Function<Path, AutoCloseable> starter) {
            Path dir = workDir();
            return new Starting(CompletableFuture.supplyAsync(() -> starter.apply(dir), task -> {
                Thread thread = new Thread(task, "start-" + type.getSimpleName());
                thread.setDaemon(true);
                thread.start();
            }));
        }

        AutoCloseable server() {
            try {
                return future.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }

        @Override
        public void close() throws Exception {
            AutoCloseable server;
            try {
                server = future.join();
            } catch (CompletionException e) {
                return; // it never started: nothing to stop, and its test already reported why
            }
            server.close();
        }
    }
}
