package dev.strata.restore.cli;

import dev.strata.restore.BadInputException;
import dev.strata.restore.ToolConfig;
import dev.strata.restore.target.KafkaTarget;
import dev.strata.restore.target.LuceneTarget;
import dev.strata.restore.target.NdjsonTarget;
import dev.strata.restore.target.ReplayTarget;
import dev.strata.restore.target.postgres.PgConnectionSpec;
import dev.strata.restore.target.postgres.PostgresTarget;
import dev.strata.schemas.TenantId;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the target {@code --target} and {@code --to} name. Postgres passwords come from
 * {@code --password-file} or the PGPASSWORD environment variable, never from the command line.
 */
final class TargetFactory {
    enum Kind { POSTGRES, LUCENE, KAFKA, NDJSON }

    private TargetFactory() {
    }

    static Kind kind(String target) {
        try {
            return Kind.valueOf(target.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("unknown target '" + target + "': use postgres, lucene, kafka or ndjson");
        }
    }

    static ReplayTarget create(Kind kind, String to, TenantId tenant, ReplayCommand.PostgresOptions pg, PostgresTarget.Selective selective,
                               Supplier<ToolConfig> config, Map<String, String> environment, Writer stdout) {
        switch (kind) {
            case POSTGRES -> {
                if (to == null) {
                    throw new BadInputException("--to is missing: give the target database, e.g. --to jdbc:postgresql://host:5432/restored"
                            + " (a fresh database)");
                }
                return new PostgresTarget(new PgConnectionSpec(jdbcUrl(to), user(pg, environment), password(pg, environment)),
                        pg.tenantColumn, selective, config.get().loadSessions());
            }
            case LUCENE -> {
                if (to == null) {
                    throw new BadInputException("--to is missing: give the index directory, e.g. --to /var/lib/search/" + tenant);
                }
                return new LuceneTarget(Path.of(to));
            }
            case KAFKA -> {
                ToolConfig tool = config.get();
                return new KafkaTarget(tool.kafka(), to == null ? "strata.restore." + tenant : to, tool.sizeLimits());
            }
            default -> {
                return to == null || to.equals("-") ? NdjsonTarget.toStream(stdout) : NdjsonTarget.toFile(Path.of(to));
            }
        }
    }

    /** Accepts a JDBC URL or a libpq-style {@code postgres://host:port/db}. */
    static String jdbcUrl(String to) {
        if (to.startsWith("jdbc:postgresql:")) {
            return to;
        }
        if (to.startsWith("postgres://") || to.startsWith("postgresql://")) {
            try {
                URI uri = new URI(to);
                if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
                    throw new BadInputException("--to holds a password: remove it and use --password-file or PGPASSWORD");
                }
                String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
                return "jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            } catch (URISyntaxException e) {
                throw new BadInputException("--to '" + e.getInput() + "' is not a URL: use postgres://host:5432/database");
            }
        }
        throw new BadInputException("--to '" + to + "' is not a Postgres URL: use postgres://host:5432/database or jdbc:postgresql://...");
    }

    static String user(ReplayCommand.PostgresOptions pg, Map<String, String> environment) {
        if (pg.user != null) {
            return pg.user;
        }
        return environment.getOrDefault("PGUSER", "postgres");
    }

    static String password(ReplayCommand.PostgresOptions pg, Map<String, String> environment) {
        if (pg.passwordFile != null) {
            try {
                return Files.readString(pg.passwordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new BadInputException("cannot read --password-file " + pg.passwordFile + " (" + e.getClass().getSimpleName()
                        + "): check that it exists and is readable");
            }
        }
        return environment.get("PGPASSWORD");
    }
}
