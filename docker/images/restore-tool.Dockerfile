# Strata restore-tool: the jar that `mvn package` builds in restore-tool/target, on a JRE.
# Build from the repository root:  docker build -f docker/images/restore-tool.Dockerfile -t strata/restore-tool .
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home strata
WORKDIR /app
COPY restore-tool/target/lib/ /app/lib/
COPY restore-tool/target/strata-restore-tool-0.1.0-SNAPSHOT.jar /app/strata-restore-tool.jar
COPY restore-tool/jvm.options /app/jvm.options
USER strata
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "@/app/jvm.options", "-jar", "/app/strata-restore-tool.jar"]
