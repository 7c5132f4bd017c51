# Strata sink: the jar that `mvn package` builds in sink/target, on a JRE.
# Build from the repository root:  docker build -f docker/images/sink.Dockerfile -t strata/sink .
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home strata
WORKDIR /app
COPY sink/target/lib/ /app/lib/
COPY sink/target/strata-sink-0.1.0-SNAPSHOT.jar /app/strata-sink.jar
USER strata
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/strata-sink.jar"]
