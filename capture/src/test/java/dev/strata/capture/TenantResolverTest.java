package dev.strata.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schemas.kafka.DeadLetterReason;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TenantResolverTest {
    private final TenantResolver resolver = new TenantResolver("tenant_id", Pattern.compile("tenant_(?<tenant>.+)"),
            Map.of("public.countries", "global"));

    private static TenantResolver.Row row(Object... pairs) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put((String) pairs[i], pairs[i + 1]);
        }
        return new TenantResolver.Row() {
            @Override
            public boolean has(String column) {
                return values.containsKey(column);
            }

            @Override
            public Object get(String column) {
                return values.get(column);
            }
        };
    }

    @Test
    void theTenantColumnNamesTheTenant() {
        assertThat(resolver.resolve("public.orders", true, row("tenant_id", "acme", "id", 1)))
                .isEqualTo(new TenantResolver.Tenant("acme"));
        assertThat(resolver.resolve("public.orders", true, row("tenant_id", 42L)))
                .isEqualTo(new TenantResolver.Tenant("42"));
    }

    @Test
    void aNullOrInvalidTenantValueIsABadTenantId() {
        assertThat(resolver.resolve("public.orders", true, row("tenant_id", null)))
                .isEqualTo(new TenantResolver.Unresolved(DeadLetterReason.BAD_TENANT_ID, "tenant_id of public.orders is NULL"));
        TenantResolver.Resolution invalid = resolver.resolve("public.orders", true, row("tenant_id", "a/b"));
        assertThat(invalid).isInstanceOfSatisfying(TenantResolver.Unresolved.class, u -> {
            assertThat(u.reason()).isEqualTo(DeadLetterReason.BAD_TENANT_ID);
            assertThat(u.detail()).contains("'a/b'").contains("public.orders");
        });
        assertThat(resolver.resolve("public.orders", true, row("tenant_id", new byte[] {1})))
                .isInstanceOfSatisfying(TenantResolver.Unresolved.class, u -> assertThat(u.reason()).isEqualTo(DeadLetterReason.BAD_TENANT_ID));
    }

    @Test
    void aTenantSchemaNamesTheTenant() {
        assertThat(resolver.resolve("tenant_globex.items", false, row("id", 1))).isEqualTo(new TenantResolver.Tenant("globex"));
        assertThat(resolver.resolve("tenant_globex.items", false, null)).isEqualTo(new TenantResolver.Tenant("globex"));
        TenantResolver wholeName = new TenantResolver("tenant_id", Pattern.compile("t_.*"), Map.of());
        assertThat(wholeName.resolve("t_acme.items", false, row("id", 1))).isEqualTo(new TenantResolver.Tenant("t_acme"));
    }

    @Test
    void aSharedTableBelongsToItsHomeTenant() {
        assertThat(resolver.resolve("public.countries", false, row("code", "DE"))).isEqualTo(new TenantResolver.Tenant("global"));
        assertThat(resolver.sourceOf("public.countries", true)).isEqualTo(TenantResolver.Source.SHARED_TABLE);
    }

    @Test
    void aTableWithoutTenantIsNoTenantWithTheFix() {
        assertThat(resolver.resolve("public.audit", false, row("id", 1)))
                .isInstanceOfSatisfying(TenantResolver.Unresolved.class, u -> {
                    assertThat(u.reason()).isEqualTo(DeadLetterReason.NO_TENANT);
                    assertThat(u.detail()).contains("public.audit").contains("tenant_id")
                            .contains(CaptureConfig.TENANT_SCHEMA_PATTERN).contains(CaptureConfig.SHARED_TABLES);
                });
        assertThat(resolver.sourceOf("public.audit", false)).isEqualTo(TenantResolver.Source.NONE);
    }

    @Test
    void aChangeWithoutTheTenantOfATenantTableIsNoTenant() {
        assertThat(resolver.resolve("public.orders", true, null))
                .isInstanceOfSatisfying(TenantResolver.Unresolved.class, u -> {
                    assertThat(u.reason()).isEqualTo(DeadLetterReason.NO_TENANT);
                    assertThat(u.detail()).contains("TRUNCATE of public.orders");
                });
        assertThat(resolver.resolve("public.orders", true, row("id", 7)))
                .isInstanceOfSatisfying(TenantResolver.Unresolved.class,
                        u -> assertThat(u.detail()).contains("REPLICA IDENTITY FULL"));
    }

    @Test
    void aDatabaseOfOneTenantNamesItForEveryTableAndRowTruncateIncluded() {
        TenantResolver fixed = new TenantResolver("acme", "tenant_id", null, Map.of());
        assertThat(fixed.sourceOf("public.orders", true)).isEqualTo(TenantResolver.Source.DATABASE);
        assertThat(fixed.resolve("public.orders", true, row("tenant_id", "globex"))).isEqualTo(new TenantResolver.Tenant("acme"));
        assertThat(fixed.resolve("public.ledger", false, null)).as("a TRUNCATE").isEqualTo(new TenantResolver.Tenant("acme"));
    }
}
