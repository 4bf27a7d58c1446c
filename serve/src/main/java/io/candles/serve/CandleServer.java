package io.candles.serve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server: the database set-up and checks, the read-only pool, the change feed, the
 * dispatcher and the WebSocket hub, and Jetty serving REST, WebSockets and the web page on one
 * port.
 *
 * <p>Why Jetty 12, used through its own core API (no servlets): it is maintained by the Eclipse
 * Foundation with releases every few weeks, runs on Java 17, and does all three jobs on one port
 * with one thread pool: HTTP/1.1, WebSocket (RFC 6455, with per-message compression), and static
 * files with ETags and caching. Above all its WebSocket sends are asynchronous with a completion
 * callback, which is what conflation needs: the server knows when a client has taken a frame and
 * never queues more than one per client in the transport ({@link Outbox}). Java-WebSocket, which
 * the ingester uses, serves WebSockets only (the page and REST would need a second server and
 * port), and its sends queue without bound; Javalin is a layer over this same Jetty that would add
 * little here.
 */
public final class CandleServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CandleServer.class);
  /** The web page and the chart library, packaged by the build (src/main/web, npm). */
  static final String WEB_ROOT = "io/candles/serve/web/";

  private final ServeOptions.Settings settings;
  private final ServerStats stats = new ServerStats();
  private final CandleStore store;
  private final StreamHub hub;
  private final Dispatcher dispatcher;
  private final ChangeFeed feed;
  private final Server jetty;
  private final ServerConnector connector;

  private CandleServer(ServeOptions.Settings settings, CandleStore store) {
    this.settings = settings;
    this.store = store;
    this.hub = new StreamHub(settings, stats);
    this.dispatcher = new Dispatcher(hub, store.columns().extras(), stats);
    this.feed = new ChangeFeed(settings, store, dispatcher::offer, stats);

    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("candles-http");
    this.jetty = new Server(threads);
    this.connector = new ServerConnector(jetty);
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    jetty.addConnector(connector);

    Tokens tokens = new Tokens(settings.token());
    ResourceHandler web = new ResourceHandler();
    web.setBaseResource(ResourceFactory.of(jetty).newClassLoaderResource(WEB_ROOT));
    web.setWelcomeFiles("index.html");
    web.setDirAllowed(false);
    web.setCacheControl("no-cache");
    Handler.Sequence inner = new Handler.Sequence(new RestApi(store, tokens, stats, hub), web, new NotFound());

    WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(jetty, container -> {
      // Long enough that the pings (every pingInterval) and the pong check decide, not Jetty.
      container.setIdleTimeout(settings.pongTimeout().plus(settings.pingInterval()));
      container.setMaxTextMessageSize(64 * 1024);
      container.addMapping("/ws", (rq, rs, cb) -> accept(rq, rs, cb, tokens, false));
      container.addMapping("/ws/*", (rq, rs, cb) -> accept(rq, rs, cb, tokens, false));
      container.addMapping("/stream", (rq, rs, cb) -> accept(rq, rs, cb, tokens, true));
    });
    ws.setHandler(inner);
    jetty.setHandler(ws);
    jetty.setStopTimeout(5_000);
  }

  /**
   * Sets up and checks the database, starts listening for changes, then serves. A database or
   * set-up problem is a {@link StartupFailure} of one line.
   */
  public static CandleServer start(ServeOptions.Settings settings) throws StartupFailure {
    DatabaseSetup.prepare(settings);
    CandleStore store;
    try {
      store = CandleStore.open(settings);
    } catch (SQLException e) {
      throw DatabaseSetup.failure(settings, settings.jdbcUser(), "--jdbcUser", e);
    }
    CandleServer server = new CandleServer(settings, store);
    try {
      server.feed.start();
    } catch (SQLException e) {
      server.close();
      throw DatabaseSetup.failure(settings, settings.jdbcUser(), "--jdbcUser", e);
    }
    try {
      server.jetty.start();
    } catch (Exception e) {
      server.close();
      throw new StartupFailure("cannot listen on " + settings.host() + ":" + settings.port() + " (--host, --port): "
          + DatabaseSetup.oneLine(e) + "; choose another port or stop what uses it");
    }
    log.info("candle server listening on {}; {}", server.baseUrl(), settings);
    return server;
  }

  /** http://HOST:PORT, with the port it really listens on. */
  public String baseUrl() {
    String host = settings.host().equals("0.0.0.0") ? "127.0.0.1" : settings.host();
    return "http://" + host + ":" + connector.getLocalPort();
  }

  public int port() {
    return connector.getLocalPort();
  }

  private Object accept(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback,
      Tokens tokens, boolean combined) {
    if (!tokens.allows(request)) {
      refuse(response, callback, ApiError.unauthorized());
      return null;
    }
    if (!hub.hasRoom()) {
      stats.clientsRefused.increment();
      refuse(response, callback, new ApiError(503, -1003, "Too many connections; this server takes at most "
          + settings.maxClients() + " (--maxClients). Please try again later."));
      return null;
    }
    List<String> names = new ArrayList<>();
    try {
      String path = Request.getPathInContext(request);
      String list;
      if (combined) {
        Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        list = query.getValue("streams");
      } else {
        list = path.length() > "/ws/".length() ? path.substring("/ws/".length()) : null;
      }
      if (list != null) {
        for (String n : list.split("/")) {
          if (!n.isEmpty()) {
            names.add(StreamName.parse(n).name());
          }
        }
      }
      if (names.size() > ClientSession.MAX_STREAMS) {
        throw new IllegalArgumentException("at most " + ClientSession.MAX_STREAMS + " streams per connection");
      }
    } catch (IllegalArgumentException e) {
      refuse(response, callback, new ApiError(400, -1100, e.getMessage()));
      return null;
    }
    return new ClientSession(hub, stats, names, combined);
  }

  private static void refuse(Response response, Callback callback, ApiError error) {
    response.setStatus(error.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
    response.write(true, ByteBuffer.wrap(error.json().getBytes(StandardCharsets.UTF_8)), callback);
  }

  /** Anything else: Binance's 404, as JSON. */
  private static final class NotFound extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      refuse(response, callback, new ApiError(404, -1000, "Nothing at " + Request.getPathInContext(request)
          + ": the chart is at /, the API at /api/v3/klines, /api/v3/ping, /api/v3/time, /api/v3/exchangeInfo, "
          + "the streams at /ws/<pair>@kline_5m and /stream?streams=..."));
      return true;
    }
  }

  /** Stops serving: tells WebSocket clients (Binance's serverShutdown), then closes everything. */
  @Override
  public void close() {
    hub.shutdown();
    try {
      Thread.sleep(Duration.ofMillis(200).toMillis());
      jetty.stop();
    } catch (Exception e) {
      log.warn("stopping Jetty: {}", e.toString());
    }
    feed.close();
    dispatcher.close();
    hub.close();
    store.close();
  }
}
