package io.candles.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binance's market-data REST endpoints that concern klines: {@code GET /api/v3/klines},
 * {@code /api/v3/ping}, {@code /api/v3/time} and {@code /api/v3/exchangeInfo} (the pairs the table
 * has), in Binance's formats and with Binance's error codes; and {@code GET /status}, this server's
 * own counters. Every query is a prepared statement on the read-only pool.
 */
final class RestApi extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(RestApi.class);
  private static final String JSON_TYPE = "application/json;charset=utf-8";
  private static final String ENDPOINTS = "GET /api/v3/klines, /api/v3/ping, /api/v3/time, /api/v3/exchangeInfo, /status";
  /** Quote assets, longest first, to split a pair into base and quote for exchangeInfo. */
  private static final List<String> QUOTES = List.of("FDUSD", "USDT", "USDC", "TUSD", "BUSD", "BTC", "ETH", "BNB",
      "EUR", "TRY", "BRL", "JPY", "DAI");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final CandleStore store;
  private final Tokens tokens;
  private final ServerStats stats;
  private final StreamHub hub;

  RestApi(CandleStore store, Tokens tokens, ServerStats stats, StreamHub hub) {
    this.store = store;
    this.tokens = tokens;
    this.stats = stats;
    this.hub = hub;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if (!path.startsWith("/api/") && !path.equals("/status")) {
      return false;
    }
    int status = 200;
    String body;
    try {
      if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
        throw new ApiError(405, -1000, "Method " + request.getMethod() + " is not allowed; this API is read-only: "
            + ENDPOINTS);
      }
      if (!tokens.allows(request)) {
        throw ApiError.unauthorized();
      }
      Map<String, List<String>> params = params(request);
      body = switch (path) {
        case "/api/v3/klines" -> klines(params);
        case "/api/v3/ping" -> "{}";
        case "/api/v3/time" -> "{\"serverTime\":" + System.currentTimeMillis() + "}";
        case "/api/v3/exchangeInfo" -> exchangeInfo(params);
        case "/status" -> status();
        default -> throw new ApiError(404, -1000, "Unknown endpoint " + path + "; this server has " + ENDPOINTS);
      };
    } catch (ApiError e) {
      status = e.status();
      body = e.json();
    } catch (SQLException e) {
      log.warn("REST {}: the database failed: {}", path, DatabaseSetup.oneLine(e));
      ApiError down = ApiError.databaseDown();
      status = down.status();
      body = down.json();
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, body, callback);
    return true;
  }

  private String klines(Map<String, List<String>> params) throws ApiError, SQLException {
    KlineQuery q = KlineQuery.parse(params);
    List<CandleRow> rows = store.klines(q);
    if (rows.isEmpty() && !store.hasPair(q.symbol())) {
      throw ApiError.badSymbol();
    }
    return KlineJson.restKlines(rows, store.columns().extras(), q.extended());
  }

  private String exchangeInfo(Map<String, List<String>> params) throws ApiError, SQLException {
    List<String> present = store.pairs();
    List<String> wanted = new ArrayList<>();
    if (params.containsKey("symbol")) {
      wanted.add(params.get("symbol").get(0));
    }
    if (params.containsKey("symbols")) {
      try {
        JsonNode list = MAPPER.readTree(params.get("symbols").get(0));
        if (!list.isArray()) {
          throw new IllegalArgumentException();
        }
        list.forEach(n -> wanted.add(n.asText()));
      } catch (Exception e) {
        throw new ApiError(400, -1100, "Illegal characters found in parameter 'symbols'; legal range is "
            + "'^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
      }
    }
    for (String w : wanted) {
      if (!present.contains(w)) {
        throw ApiError.badSymbol();
      }
    }
    List<String> symbols = wanted.isEmpty() ? present : wanted;
    return KlineJson.write(g -> {
      g.writeStartObject();
      g.writeStringField("timezone", "UTC");
      g.writeNumberField("serverTime", System.currentTimeMillis());
      g.writeArrayFieldStart("rateLimits");
      g.writeEndArray();
      g.writeArrayFieldStart("exchangeFilters");
      g.writeEndArray();
      g.writeArrayFieldStart("symbols");
      for (String s : symbols) {
        writeSymbol(g, s);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  private static void writeSymbol(JsonGenerator g, String symbol) throws java.io.IOException {
    g.writeStartObject();
    g.writeStringField("symbol", symbol);
    g.writeStringField("status", "TRADING");
    for (String quote : QUOTES) {
      if (symbol.endsWith(quote) && symbol.length() > quote.length()) {
        g.writeStringField("baseAsset", symbol.substring(0, symbol.length() - quote.length()));
        g.writeStringField("quoteAsset", quote);
        break;
      }
    }
    g.writeArrayFieldStart("orderTypes");
    g.writeEndArray();
    g.writeArrayFieldStart("filters");
    g.writeEndArray();
    g.writeEndObject();
  }

  private String status() {
    return KlineJson.write(g -> {
      g.writeStartObject();
      g.writeBooleanField("feedConnected", stats.feedConnected);
      g.writeNumberField("clients", hub.clientCount());
      g.writeNumberField("notifications", stats.notifications.sum());
      g.writeNumberField("feedReconnects", stats.feedReconnects.sum());
      g.writeNumberField("rowsReread", stats.rowsReread.sum());
      g.writeNumberField("statesCoalesced", stats.statesCoalesced.sum());
      g.writeNumberField("statesDispatched", stats.statesDispatched.sum());
      g.writeNumberField("eventsSent", stats.eventsSent.sum());
      g.writeNumberField("eventsConflated", stats.eventsConflated.sum());
      g.writeNumberField("clientsClosedSlow", stats.clientsClosedSlow.sum());
      g.writeNumberField("clientsClosedOverLimit", stats.clientsClosedOverLimit.sum());
      g.writeNumberField("clientsRefused", stats.clientsRefused.sum());
      g.writeEndObject();
    });
  }

  private static Map<String, List<String>> params(Request request) {
    Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Fields.Field f : fields) {
      out.put(f.getName(), f.getValues());
    }
    return out;
  }
}
