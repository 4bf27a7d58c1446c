package io.candles.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The optional token: when set, a request must carry it as {@code Authorization: Bearer TOKEN},
 * as Binance's {@code X-MBX-APIKEY: TOKEN} (so a bot's API key setting works unchanged), or as
 * {@code ?token=TOKEN} (browsers cannot set headers on a WebSocket). Compared in constant time.
 */
final class Tokens {
  private final byte[] token;

  Tokens(String token) {
    this.token = token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  boolean required() {
    return token != null;
  }

  boolean allows(Request request) {
    if (token == null) {
      return true;
    }
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth != null && auth.startsWith("Bearer ") && matches(auth.substring(7).trim())) {
      return true;
    }
    String key = request.getHeaders().get("X-MBX-APIKEY");
    if (key != null && matches(key.trim())) {
      return true;
    }
    String query = Request.extractQueryParameters(request).getValue("token");
    return query != null && matches(query);
  }

  private boolean matches(String given) {
    return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }
}
