package io.candles.ingest.http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import io.candles.ingest.testing.JsonText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The REST API's answers, errors above all, against a local server with stand-in controls. */
public class ControlServerTest {
  private static final String TOKEN = "s3cret";
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger starts = new AtomicInteger();
  private final AtomicInteger stops = new AtomicInteger();
  private volatile String state = "stopped";
  private volatile boolean up = true;
  private ControlServer server;
  private ControlServer open;

  private final ControlServer.Controls controls = new ControlServer.Controls() {
    @Override
    public boolean start() {
      starts.incrementAndGet();
      boolean changed = !state.equals("running");
      state = "running";
      return changed;
    }

    @Override
    public boolean stop() {
      stops.incrementAndGet();
      boolean changed = state.equals("running");
      state = "stopped";
      return changed;
    }

    @Override
    public String state() {
      return state;
    }

    @Override
    public String statusJson() {
      return "{\"state\":\"" + state + "\"}";
    }

    @Override
    public ControlServer.Health health() {
      return new ControlServer.Health(up, "{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}");
    }

    @Override
    public String metricsText() {
      return "# TYPE x counter\nx 1\n";
    }
  };

  @Before
  public void setUp() throws Exception {
    server = ControlServer.start("127.0.0.1", 0, TOKEN, controls);
    open = ControlServer.start("127.0.0.1", 0, null, controls);
  }

  @After
  public void tearDown() {
    server.close();
    open.close();
  }

  private HttpResponse<String> send(ControlServer s, String method, String path, String body, String auth)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("Content-Type").orElse(""), startsWith("application/json"));
    JsonText o = JsonText.parse(r.body());
    assertThat(o.text("status"), is(Integer.toString(r.statusCode())));
    return o.text("error");
  }

  @Test
  public void unknownPathIs404AndListsThePaths() throws Exception {
    HttpResponse<String> r = send(server, "GET", "/nope", null, null);
    assertThat(r.statusCode(), is(404));
    assertThat(error(r), is("no such path /nope; the paths are POST /start, POST /stop, GET /status, GET /health,"
        + " GET /metrics"));
    assertThat(send(server, "GET", "/status/", null, null).statusCode(), is(404));
    assertThat(send(server, "GET", "/", null, null).statusCode(), is(404));
  }

  @Test
  public void wrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> r = send(server, "GET", "/start", null, null);
    assertThat(r.statusCode(), is(405));
    assertThat(r.headers().firstValue("Allow").orElse(""), is("POST"));
    assertThat(error(r), is("method GET is not allowed on /start; use POST"));
    HttpResponse<String> p = send(server, "POST", "/status", "", null);
    assertThat(p.statusCode(), is(405));
    assertThat(error(p), is("method POST is not allowed on /status; use GET"));
    assertThat(send(server, "DELETE", "/stop", null, "Bearer " + TOKEN).statusCode(), is(405));
    assertThat(stops.get(), is(0));
  }

  @Test
  public void missingOrWrongTokenIs401() throws Exception {
    HttpResponse<String> none = send(server, "POST", "/start", "", null);
    assertThat(none.statusCode(), is(401));
    assertThat(none.headers().firstValue("WWW-Authenticate").orElse(""), startsWith("Bearer"));
    assertThat(error(none), containsString("needs the header Authorization: Bearer <token>"));
    HttpResponse<String> wrong = send(server, "POST", "/stop", "", "Bearer nope");
    assertThat(wrong.statusCode(), is(401));
    assertThat(error(wrong), is("the bearer token is wrong"));
    assertThat(send(server, "POST", "/stop", "", "Basic czNjcmV0").statusCode(), is(401));
    assertThat(starts.get() + stops.get(), is(0));
  }

  @Test
  public void aBodyIs400() throws Exception {
    HttpResponse<String> r = send(server, "POST", "/start", "{\"pairs\":[\"BTCUSDT\"]}", "Bearer " + TOKEN);
    assertThat(r.statusCode(), is(400));
    assertThat(error(r), is("POST /start takes no body (or {}); got: {\"pairs\":[\"BTCUSDT\"]}"));
    HttpResponse<String> big = send(server, "POST", "/stop", "x".repeat(5000), "Bearer " + TOKEN);
    assertThat(big.statusCode(), is(413));
    assertThat(error(big), containsString("takes no body"));
    assertThat(starts.get() + stops.get(), is(0));
  }

  @Test
  public void startAndStopWithTokenAndEmptyOrEmptyObjectBody() throws Exception {
    HttpResponse<String> s = send(server, "POST", "/start", "", "Bearer " + TOKEN);
    assertThat(s.statusCode(), is(200));
    assertThat(s.body(), is("{\"state\":\"running\",\"changed\":true}"));
    assertThat(send(server, "POST", "/start", "{}", "Bearer " + TOKEN).body(),
        is("{\"state\":\"running\",\"changed\":false}"));
    HttpResponse<String> t = send(server, "POST", "/stop", " { } ", "Bearer " + TOKEN);
    assertThat(t.statusCode(), is(200));
    assertThat(t.body(), is("{\"state\":\"stopped\",\"changed\":true}"));
  }

  @Test
  public void withoutATokenStartAndStopAreOpen() throws Exception {
    assertThat(send(open, "POST", "/start", null, null).statusCode(), is(200));
    assertThat(state, is("running"));
  }

  @Test
  public void getEndpoints() throws Exception {
    HttpResponse<String> status = send(server, "GET", "/status", null, null);
    assertThat(status.statusCode(), is(200));
    assertThat(status.body(), is("{\"state\":\"stopped\"}"));
    HttpResponse<String> metrics = send(server, "GET", "/metrics", null, null);
    assertThat(metrics.statusCode(), is(200));
    assertThat(metrics.headers().firstValue("Content-Type").orElse(""), startsWith("text/plain; version=0.0.4"));
    assertThat(send(server, "GET", "/health", null, null).statusCode(), is(200));
    up = false;
    HttpResponse<String> down = send(server, "GET", "/health", null, null);
    assertThat(down.statusCode(), is(503));
    assertThat(down.body(), is("{\"status\":\"DOWN\"}"));
  }

  @Test
  public void aFailingControlIs500WithJson() throws Exception {
    ControlServer failing = ControlServer.start("127.0.0.1", 0, null, new ControlServer.Controls() {
      @Override
      public boolean start() {
        throw new IllegalStateException("the ingester is closed");
      }

      @Override
      public boolean stop() {
        return false;
      }

      @Override
      public String state() {
        return "closed";
      }

      @Override
      public String statusJson() {
        return "{}";
      }

      @Override
      public ControlServer.Health health() {
        return new ControlServer.Health(false, "{}");
      }

      @Override
      public String metricsText() {
        return "";
      }
    });
    try {
      HttpResponse<String> r = send(failing, "POST", "/start", null, null);
      assertThat(r.statusCode(), is(500));
      assertThat(error(r), containsString("the ingester is closed"));
    } finally {
      failing.close();
    }
  }
}
