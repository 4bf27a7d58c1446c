package io.candles.pipeline;

import io.candles.contract.Gap;
import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import io.candles.contract.Tick;
import io.candles.contract.TickJson;
import io.candles.contract.TickRecord;
import io.candles.contract.Prices;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A tick record's value as the pipeline reads it: parsed and validated once, where Kafka's bytes
 * are deserialized ({@link TickValueDeserializer}), so the timestamp policy and
 * {@link RouteTicks} share one parse. Either the accepted {@link Tick}, or the rejection with the
 * raw value it must carry to the dead-letter topic.
 */
public sealed interface TickValue {

  /**
   * A value that meets the contract. {@link EventTimePolicy} may still find it late (read after
   * the allowed lateness of its windows) while the reader stamps it: it then marks it, once,
   * before the record leaves the reader, and {@link RouteTicks} sends it to the dead-letter topic
   * instead of the candles. A mark rather than a new value because KafkaIO hands the policy a
   * record whose value it cannot replace; nothing touches the mark after the record is emitted.
   */
  final class Accepted implements TickValue {
    private static final long NOT_LATE = Long.MIN_VALUE;

    /** A {@link Tick}, or a {@link Gap} the ingester marked: both are timed and take windows. */
    private final TickRecord record;
    /** The bytes Kafka delivered (referenced, not copied), for a late tick's dead letter. */
    private final byte @Nullable [] raw;
    private long lateAgainstWatermark = NOT_LATE;

    public Accepted(TickRecord record) {
      this(record, null);
    }

    public Accepted(TickRecord record, byte @Nullable [] raw) {
      this.record = Objects.requireNonNull(record);
      this.raw = raw;
    }

    public TickRecord record() {
      return record;
    }

    /** The tick; only when the record is one ({@code record() instanceof Tick}). */
    public Tick tick() {
      return (Tick) record;
    }

    /** Where the record sits in event time: a tick's event time, a gap's start. */
    public long eventTimeMillis() {
      return record instanceof Tick t ? t.eventTimeMillis() : ((Gap) record).startMillis();
    }

    /** Whether the reader found it late; see {@link #lateAgainstWatermark()}. */
    public boolean isLate() {
      return lateAgainstWatermark != NOT_LATE;
    }

    /** The partition watermark it was late against (epoch millis); only when {@link #isLate()}. */
    public long lateAgainstWatermark() {
      return lateAgainstWatermark;
    }

    void markLate(long watermarkMillis) {
      this.lateAgainstWatermark = watermarkMillis;
    }

    /**
     * The value as it was on Kafka, for a dead letter: the bytes received, or, when only the parsed
     * tick is known (a value decoded from a checkpoint), the tick in the contract's own form.
     */
    public String rawText() {
      if (raw != null) {
        return new String(raw, StandardCharsets.UTF_8);
      }
      if (record instanceof Gap gap) {
        return TickJson.write(gap);
      }
      Tick tick = (Tick) record;
      return TickJson.write(tick.pair(), Prices.priceToDecimal(tick.bid()).toPlainString(),
          Prices.priceToDecimal(tick.ask()).toPlainString(), tick.eventTimeMillis(),
          tick.ingestTimeMillis(), tick.exchange(), tick.updateId());
    }

    @Override
    public boolean equals(Object o) {
      // The raw bytes travel (and so count) only with a late tick.
      return o instanceof Accepted a && a.record.equals(record)
          && a.lateAgainstWatermark == lateAgainstWatermark
          && (!isLate() || Arrays.equals(a.raw, raw));
    }

    @Override
    public int hashCode() {
      return record.hashCode() * 31 + Long.hashCode(lateAgainstWatermark);
    }

    @Override
    public String toString() {
      return "Accepted[" + record + (isLate() ? ", late against " + lateAgainstWatermark : "") + "]";
    }
  }

  /**
   * A value that breaks the contract.
   *
   * @param raw the value as received (decoded as UTF-8), or null for a record without a value
   */
  record Rejected(@Nullable String raw, RejectReason reason, String detail) implements TickValue {
    static Rejected of(@Nullable String raw, RejectedTickException e) {
      return new Rejected(raw, e.reason(), e.detail());
    }
  }

  /**
   * A compact, deterministic coder. An accepted tick is its fields in fixed order (prices and
   * times as variable-length longs), and a late one also the watermark and its raw bytes; a
   * rejection is its raw value, reason code and detail. Reasons are written by code, not ordinal,
   * so a checkpoint survives a reordering of the enum.
   */
  final class Coder extends AtomicCoder<TickValue> {
    // Changed with the spread before a tick: a value written by the earlier coder is refused.
    private static final long serialVersionUID = -9164611519151098437L;

    private static final Coder INSTANCE = new Coder();
    private static final StringUtf8Coder STRING = StringUtf8Coder.of();
    private static final NullableCoder<String> NULLABLE = NullableCoder.of(STRING);
    private static final NullableCoder<byte[]> BYTES = NullableCoder.of(ByteArrayCoder.of());
    private static final int ACCEPTED = 0;
    private static final int REJECTED = 1;
    private static final int LATE = 2;
    private static final int GAP = 3;
    private static final int LATE_GAP = 4;

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(TickValue value, OutputStream out) throws IOException {
      if (value instanceof Accepted a && a.record() instanceof Gap g) {
        out.write(a.isLate() ? LATE_GAP : GAP);
        GapCoder.of().encode(g, out);
        if (a.isLate()) {
          VarInt.encode(a.lateAgainstWatermark(), out);
          BYTES.encode(a.raw, out);
        }
      } else if (value instanceof Accepted a) {
        out.write(a.isLate() ? LATE : ACCEPTED);
        Tick t = a.tick();
        STRING.encode(t.pair(), out);
        VarInt.encode(t.bid(), out);
        VarInt.encode(t.ask(), out);
        VarInt.encode(t.eventTimeMillis(), out);
        VarInt.encode(t.ingestTimeMillis(), out);
        NULLABLE.encode(t.exchange(), out);
        VarInt.encode(t.updateId(), out);
        // The spread before the tick: 0 when absent, else the spread plus one and how long it held.
        if (t.hasPrevious()) {
          VarInt.encode(t.prevSpread() + 1, out);
          VarInt.encode(t.eventTimeMillis() - t.prevEventTimeMillis(), out);
        } else {
          VarInt.encode(0L, out);
        }
        if (a.isLate()) {
          VarInt.encode(a.lateAgainstWatermark(), out);
          BYTES.encode(a.raw, out);
        }
      } else {
        Rejected r = (Rejected) value;
        out.write(REJECTED);
        NULLABLE.encode(r.raw(), out);
        STRING.encode(r.reason().code(), out);
        STRING.encode(r.detail(), out);
      }
    }

    @Override
    public TickValue decode(InputStream in) throws IOException {
      int tag = in.read();
      if (tag == ACCEPTED || tag == LATE) {
        String pair = STRING.decode(in);
        long bid = VarInt.decodeLong(in);
        long ask = VarInt.decodeLong(in);
        long eventTime = VarInt.decodeLong(in);
        long ingestTime = VarInt.decodeLong(in);
        String exchange = NULLABLE.decode(in);
        long updateId = VarInt.decodeLong(in);
        long prevSpread = VarInt.decodeLong(in) - 1;
        Tick tick = prevSpread < 0 ? new Tick(pair, bid, ask, eventTime, ingestTime, exchange, updateId)
            : new Tick(pair, bid, ask, eventTime, ingestTime, exchange, updateId, prevSpread,
                eventTime - VarInt.decodeLong(in));
        if (tag == ACCEPTED) {
          return new Accepted(tick);
        }
        long watermark = VarInt.decodeLong(in);
        Accepted late = new Accepted(tick, BYTES.decode(in));
        late.markLate(watermark);
        return late;
      }
      if (tag == GAP || tag == LATE_GAP) {
        Gap gap = GapCoder.of().decode(in);
        if (tag == GAP) {
          return new Accepted(gap);
        }
        long watermark = VarInt.decodeLong(in);
        Accepted late = new Accepted(gap, BYTES.decode(in));
        late.markLate(watermark);
        return late;
      }
      if (tag == REJECTED) {
        String raw = NULLABLE.decode(in);
        String code = STRING.decode(in);
        return new Rejected(raw, reasonOf(code), STRING.decode(in));
      }
      throw new CoderException("not an encoded TickValue: tag " + tag);
    }

    private static RejectReason reasonOf(String code) throws CoderException {
      for (RejectReason r : RejectReason.values()) {
        if (r.code().equals(code)) {
          return r;
        }
      }
      throw new CoderException("unknown reject reason '" + code + "' in an encoded TickValue");
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }
}
