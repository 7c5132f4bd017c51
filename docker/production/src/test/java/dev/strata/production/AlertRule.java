package dev.strata.production;

/** One alerting rule of docker/prometheus/alerts.yml, with the fields the on-call reads. */
record AlertRule(String group, String alert, String expr, String forDuration, String severity, String summary,
                 String description) {
}
