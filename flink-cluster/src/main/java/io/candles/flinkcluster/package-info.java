/** A Flink session cluster in child JVMs, from Flink's Maven jars. */
package io.candles.flinkcluster;
