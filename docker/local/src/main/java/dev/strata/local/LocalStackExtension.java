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
            context.getRoot().getStore(NAMESPACE).remove(type); // the next class to ask tries again
            throw new ParameterResolutionException("cannot start " + type.getSimpleName() + " for the tests: " + e.getMessage(), e);
        }
    }

    private static Starting starting(ExtensionContext context, Class<?> type) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        // computed under the store's lock: parallel test classes asking at once still start one server
        return store.getOrComputeIfAbsent(type, key -> Starting.begin(key, STARTERS.get(key)), Starting.class);
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

    private static boolean isJUnitMethod(Executable method) {
        for (var annotation : method.getAnnotations()) {
            if (annotation.annotationType().getName().startsWith("org.junit.jupiter.")) {
                return true;
            }
        }
        return false;
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
