package dev.strata.restore.kafka;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's watermark as the sink publishes it to {@code strata.watermarks}: the last commit time
 * durable in both regions, a position and the regime whose sink published it. Read leniently (the
 * value is either a number of microseconds or a JSON object with a commit-time field and optionally
 * a position and a regime), so that status keeps working while the sink's record grows fields.
 */
public record Watermark(long durableCommitMicros, Optional<String> position, Optional<String> regime) {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> TIME_FIELDS = Set.of("durableCommitMicros", "commitTsMicros", "commitMicros",
            "lastCommitMicros", "durableCommitTsMicros", "maxCommitMicros");
    private static final Set<String> POSITION_FIELDS = Set.of("lsn", "position", "lsnAtMaxCommit");
    private static final String REGIME_FIELD = "regime";

    public static Optional<Watermark> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            return Optional.of(new Watermark(Long.parseLong(v), Optional.empty(), Optional.empty()));
        }
        try (JsonParser p = JSON.createParser(v)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Long time = null;
            String position = null;
            String regime = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken token = p.nextToken();
                if (TIME_FIELDS.contains(name) && token == JsonToken.VALUE_NUMBER_INT) {
                    time = p.getLongValue();
                } else if (POSITION_FIELDS.contains(name) && token.isScalarValue()) {
                    position = p.getText();
                } else if (REGIME_FIELD.equals(name) && token == JsonToken.VALUE_STRING) {
                    regime = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            return time == null ? Optional.empty()
                    : Optional.of(new Watermark(time, Optional.ofNullable(position), Optional.ofNullable(regime)));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
