package dev.strata.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * The servers as failsafe's JUnit runs meet them in one test JVM: a module with several forks hands a JVM one
 * class per run, and a failed test is run again in a run of its own. Another class shares the servers; a class
 * run again gets new ones, so a fixed name its first run created does not fail it.
 */
class LocalStackExtensionIT {

    @Test
    void anotherClassSharesTheServersAndAClassRunAgainGetsNewOnes() {
        runAlone(CreatesAFixedDatabase.class);
        runAlone(AnotherClass.class);
        runAlone(CreatesAFixedDatabase.class); // as failsafe's rerun of a failed test

        assertThat(AnotherClass.SEEN).hasSize(1);
        assertThat(CreatesAFixedDatabase.SEEN).hasSize(2);
        assertThat(AnotherClass.SEEN.get(0)).as("a class of a later run").isSameAs(CreatesAFixedDatabase.SEEN.get(0));
        assertThat(CreatesAFixedDatabase.SEEN.get(1)).as("the class run again").isNotSameAs(CreatesAFixedDatabase.SEEN.get(0));
    }

    /** One JUnit run of one class, as failsafe starts it; its one test must pass. */
    private static void runAlone(Class<?> testClass) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(), summary);
        assertThat(summary.getSummary().getFailures()).as("failures of %s", testClass.getSimpleName()).isEmpty();
        assertThat(summary.getSummary().getTestsSucceededCount()).as("tests of %s that passed", testClass.getSimpleName()).isEqualTo(1);
    }

    @ExtendWith(LocalStackExtension.class)
    static class CreatesAFixedDatabase {
        static final List<LocalPostgres> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void createsIt(LocalPostgres pg) {
            SEEN.add(pg);
            pg.createDatabase("local_stack_extension_it");
        }
    }

    @ExtendWith(LocalStackExtension.class)
    static class AnotherClass {
        static final List<LocalPostgres> SEEN = new CopyOnWriteArrayList<>();

        @Test
        void takesThem(LocalPostgres pg) {
            SEEN.add(pg);
        }
    }
}
