# Strata capture: the jar that `mvn package` builds in capture/target, on a JRE.
# Build from the repository root:  docker build -f docker/images/capture.Dockerfile -t strata/capture .
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home strata
WORKDIR /app
COPY capture/target/lib/ /app/lib/
COPY capture/target/strata-capture-0.1.0-SNAPSHOT.jar /app/strata-capture.jar
USER strata
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/strata-capture.jar"]
