#!/bin/bash
# Kafka's kafka-broker-api-versions.sh, at the path the apache/kafka image has it: the health check asks the
# broker for its API versions. A small, short-lived JVM, since it runs every few seconds.
exec java -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.configurationFile=/opt/kafka/config-defaults/log4j2.xml \
  -cp '/opt/kafka/libs/*' org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
