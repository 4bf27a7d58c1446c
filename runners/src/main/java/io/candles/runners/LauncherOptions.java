package io.candles.runners;

import io.candles.pipeline.CandleOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** The pipeline's options and those of its launcher: how it creates the tick topic, and Flink's buffers. */
public interface LauncherOptions extends CandleOptions {

  @Description("Partitions for the tick topic when the launcher has to create it; partitions bound "
      + "the read parallelism.")
  @Default.Integer(3)
  Integer getTopicPartitions();

  void setTopicPartitions(Integer value);

  @Description("Flink runner only: how long a network buffer between two operators may wait to "
      + "fill before it is sent (Flink's execution.buffer-timeout.interval, for a job the launcher "
      + "builds without --flinkConfDir). The pipeline has two such exchanges; shorter means lower "
      + "latency and more, smaller buffers.")
  @Default.String("10ms")
  String getNetworkBufferTimeout();

  void setNetworkBufferTimeout(String value);
}
