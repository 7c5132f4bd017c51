package dev.strata.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Executable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Injects the local servers into tests: a parameter of type {@link LocalKafka},
 * {@link LocalPostgres} or {@link LocalObjectStores} (constructor, lifecycle or test method).
 *
 * <p>Each server starts once per test JVM and stops when the JVM exits. Not in JUnit's root store: failsafe
 * hands a JVM of a module with several forks one class per launcher run, whose root store JUnit closes after
 * that class, so every class started its own servers again (a Ceph cluster and a Kafka broker each). When a
 * test class starts, every server it asks for (in its constructors and JUnit methods) starts at once, each on
 * its own thread: Ceph dominates a start, and Kafka and PostgreSQL come up meanwhile instead of one after the
 * other. Its files are under the directory
 * named by system property {@value #WORK_DIR_PROPERTY} (failsafe sets it to
 * {@code target/local-stack}), by default {@code ${java.io.tmpdir}/strata-local}.
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

    private static final Set<String> RUNNING = Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate",
            "BeforeAll", "BeforeEach", "AfterEach", "AfterAll");
    /** This JVM's servers, in the order they were begun; guarded by the class's monitor. */
    private static final Map<Class<?>, Starting> STARTED = new LinkedHashMap<>();
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
        context.getTestClass().ifPresent(testClass -> serversAskedFor(testClass).forEach(LocalStackExtension::starting));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
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
                if (STARTED.isEmpty()) {
                    Runtime.getRuntime().addShutdownHook(new Thread(LocalStackExtension::stopAll, "local-stack-stop"));
                }
                starting = Starting.begin(type, STARTERS.get(type));
                STARTED.put(type, starting);
            }
            return starting;
        }
    }

    /** At the JVM's exit: the servers in the reverse order of their start, each stopped even when another fails to. */
    private static void stopAll() {
        List<Starting> started;
        synchronized (LocalStackExtension.class) {
            started = new ArrayList<>(STARTED.values());
            STARTED.clear();
        }
        Collections.reverse(started);
        for (Starting starting : started) {
            try {
                starting.close();
            } catch (Exception e) {
                System.err.println("LocalStackExtension: a server did not stop cleanly: " + e);
            }
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
