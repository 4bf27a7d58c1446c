# The candle server (serve/): one runnable jar with the web page and its chart library inside.
# Built by docker-compose.yml's 'serve' service. The build stage needs node and npm for the page
# (npm ci of serve/src/main/web/package-lock.json); the image needs only a JRE.
FROM maven:3.9.9-eclipse-temurin-17 AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl serve -am package

FROM eclipse-temurin:17.0.13_11-jre
RUN useradd --system --uid 10001 candles
COPY --from=build /src/serve/target/candles-serve.jar /app/candles-serve.jar
USER candles
WORKDIR /app
EXPOSE 8080
ENTRYPOINT ["java", "-Xmx256m", "-jar", "/app/candles-serve.jar"]
