# Strata router: the jar that `mvn package` builds in streams/target, on a JRE.
# Build from the repository root:  docker build -f docker/images/router.Dockerfile -t strata/router .
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home strata
WORKDIR /app
COPY streams/target/lib/ /app/lib/
COPY streams/target/strata-streams-0.1.0-SNAPSHOT.jar /app/strata-router.jar
USER strata
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/strata-router.jar"]
