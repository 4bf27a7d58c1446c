package io.candles.contract;

/** The Kafka topics of the contract, by their default names: what a producer writes and a consumer reads. */
public final class TopicNames {

  /** The tick records: the contract's JSON values, keyed by pair. */
  public static final String TICKS = "ticks";

  /** Rejected tick records, each with its reason. */
  public static final String DEAD_LETTERS = "ticks-dlq";

  private TopicNames() {}
}
