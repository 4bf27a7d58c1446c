package io.candles.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Reads candle rows, the same way from a query's result and from a notification's JSON (the
 * trigger sends {@code row_to_json(NEW)}), so both give equal {@link CandleRow}s. The extra columns
 * are those of {@link KlineExtras#ALL} that the table has.
 */
public final class CandleColumns {
  private static final String CORE = "currency_pair, open_time, close_time, open_price, high_price, low_price, "
      + "close_price, tick_count, is_final, updated_at";

  private final List<KlineExtras.Extra> extras;
  private final String selectList;

  /** With the extras whose columns are in {@code tableColumns}. */
  public CandleColumns(Set<String> tableColumns) {
    List<KlineExtras.Extra> present = new ArrayList<>();
    StringBuilder select = new StringBuilder(CORE);
    for (KlineExtras.Extra e : KlineExtras.ALL) {
      if (tableColumns.contains(e.column())) {
        present.add(e);
        select.append(", ").append(e.column());
      }
    }
    this.extras = Collections.unmodifiableList(present);
    this.selectList = select.toString();
  }

  /** The extras the table has, in order. */
  public List<KlineExtras.Extra> extras() {
    return extras;
  }

  /** The column list to select, in the order {@link #read(ResultSet)} reads them. */
  public String selectList() {
    return selectList;
  }

  /** The current row of {@code rs}, selected with {@link #selectList()}. */
  public CandleRow read(ResultSet rs) throws SQLException {
    List<Object> values = new ArrayList<>(extras.size());
    int i = 11;
    for (KlineExtras.Extra e : extras) {
      values.add(switch (e.kind()) {
        case UTC_MILLIS -> {
          LocalDateTime t = rs.getObject(i, LocalDateTime.class);
          yield t == null ? null : utcMillis(t);
        }
        case DECIMAL -> {
          BigDecimal d = rs.getBigDecimal(i);
          yield d == null ? null : Prices.format(d);
        }
        case INTEGER -> {
          long v = rs.getLong(i);
          yield rs.wasNull() ? null : v;
        }
        case BOOLEAN -> {
          boolean v = rs.getBoolean(i);
          yield rs.wasNull() ? null : v;
        }
        case TEXT -> rs.getString(i);
      });
      i++;
    }
    OffsetDateTime updated = rs.getObject(10, OffsetDateTime.class);
    return new CandleRow(rs.getString(1), utcMillis(rs.getObject(2, LocalDateTime.class)),
        utcMillis(rs.getObject(3, LocalDateTime.class)), rs.getBigDecimal(4), rs.getBigDecimal(5),
        rs.getBigDecimal(6), rs.getBigDecimal(7), rs.getLong(8), rs.getBoolean(9), micros(updated.toInstant()),
        Collections.unmodifiableList(values));
  }

  /**
   * A row from the trigger's JSON ({@code row_to_json}: numerics as JSON numbers, parsed exactly;
   * timestamps as ISO text, timestamptz with its offset).
   */
  public CandleRow read(JsonNode row) {
    List<Object> values = new ArrayList<>(extras.size());
    for (KlineExtras.Extra e : extras) {
      JsonNode v = row.get(e.column());
      if (v == null || v.isNull()) {
        values.add(null);
        continue;
      }
      values.add(switch (e.kind()) {
        case UTC_MILLIS -> utcMillis(LocalDateTime.parse(v.asText()));
        case DECIMAL -> Prices.format(v.decimalValue());
        case INTEGER -> v.asLong();
        case BOOLEAN -> v.asBoolean();
        case TEXT -> v.asText();
      });
    }
    return new CandleRow(row.get("currency_pair").asText(),
        utcMillis(LocalDateTime.parse(row.get("open_time").asText())),
        utcMillis(LocalDateTime.parse(row.get("close_time").asText())),
        row.get("open_price").decimalValue(), row.get("high_price").decimalValue(),
        row.get("low_price").decimalValue(), row.get("close_price").decimalValue(),
        row.get("tick_count").asLong(), row.get("is_final").asBoolean(),
        micros(OffsetDateTime.parse(row.get("updated_at").asText()).toInstant()),
        Collections.unmodifiableList(values));
  }

  static long utcMillis(LocalDateTime t) {
    return t.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  static LocalDateTime utc(long millis) {
    return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }
}
