package dev.strata.local;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Executable;
import java.nio.file.Path;
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
 * <p>Each server starts once per test JVM: it lives in the root context's store, which JUnit closes
 * (AutoCloseable) after the last test. When a test class starts, every server it asks for (in its
 * constructors and JUnit methods) starts at once, each on its own thread: Ceph dominates a start, and
 * Kafka and PostgreSQL come up meanwhile instead of one after the other. Its files are under the directory
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
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);
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
        context.getTestClass().ifPresent(testClass -> serversAskedFor(testClass).forEach(type -> starting(context, type)));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        try {
            return type.cast(starting(context, type).server());
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot start " + type.getSimpleName() + " for the tests: " + e.getMessage(), e);
        }
    }

    /** The server's start, begun now unless one is under way or done; one that failed is begun again for the class asking. */
    private static Starting starting(ExtensionContext context, Class<?> type) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        synchronized (LocalStackExtension.class) { // test classes running at once still start one server of a kind
            Starting starting = store.get(type, Starting.class);
            if (starting == null || starting.future().isCompletedExceptionally()) {
                starting = Starting.begin(type, STARTERS.get(type));
                store.put(type, starting);
            }
            return starting;
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
