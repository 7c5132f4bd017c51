package dev.strata.local;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Injects the local servers into tests: a parameter of type {@link LocalKafka},
 * {@link LocalPostgres} or {@link LocalObjectStores} (constructor, lifecycle or test method).
 *
 * <p>Each server starts on first request and once per test JVM: it lives in the root context's
 * store, which JUnit closes (AutoCloseable) after the last test. Its files are under the directory
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
public final class LocalStackExtension implements ParameterResolver {
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
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        try {
            // computed under the store's lock: parallel tests asking at once still start one server
            Object server = store.getOrComputeIfAbsent(type, key -> STARTERS.get(key).apply(workDir()));
            return type.cast(server);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot start " + type.getSimpleName() + " for the tests: " + e.getMessage(), e);
        }
    }
}
