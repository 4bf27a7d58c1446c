package io.candles.serve;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * A WebSocket client on a slow link: a plain socket with a small receive buffer that does the
 * handshake and then reads nothing until told to, so the server's writes to it back up as they
 * would to a client on a bad connection. Then it reads frames (the server's are unmasked) as text
 * messages, and the close frame's code and reason.
 */
final class SlowSocketClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  String closeReason;
  int closeCode;

  private SlowSocketClient(Socket socket, DataInputStream in) {
    this.socket = socket;
    this.in = in;
  }

  /** The server's whole answer to a WebSocket handshake that it refuses: status line, headers, body. */
  static String refusedHandshake(String wsUrl) throws IOException {
    try (SlowSocketClient c = connect(wsUrl, 65536)) {
      throw new AssertionError("the handshake of " + wsUrl + " was accepted");
    } catch (Refused e) {
      return e.getMessage();
    }
  }

  /** A handshake answered with something else than 101. */
  static final class Refused extends IOException {
    Refused(String response) {
      super(response);
    }
  }

  static SlowSocketClient connect(String wsUrl, int receiveBuffer) throws IOException {
    URI u = URI.create(wsUrl);
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBuffer);
    s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 10_000);
    s.setSoTimeout(20_000);
    byte[] key = new byte[16];
    new Random().nextBytes(key);
    String request = "GET " + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()) + " HTTP/1.1\r\n"
        + "Host: " + u.getHost() + ":" + u.getPort() + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    DataInputStream in = new DataInputStream(s.getInputStream());
    String head = readHead(in);
    if (!head.startsWith("HTTP/1.1 101")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
      byte[] body = new byte[m.find() ? Integer.parseInt(m.group(1)) : 0];
      in.readFully(body);
      s.close();
      throw new Refused(head + new String(body, StandardCharsets.UTF_8));
    }
    return new SlowSocketClient(s, in);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      b.write(c);
      matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  /**
   * Reads frames until {@code enough} text messages have arrived in total or the server closes;
   * returns the text messages read by this call.
   */
  List<String> read(int enough, List<String> soFar) throws IOException {
    List<String> texts = new ArrayList<>();
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (soFar.size() + texts.size() < enough) {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      int opcode = b0 & 0x0f;
      boolean fin = (b0 & 0x80) != 0;
      if (opcode == 8) {
        closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        closeReason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        return texts;
      }
      if (opcode == 1 || opcode == 0) {
        message.write(payload);
        if (fin) {
          texts.add(message.toString(StandardCharsets.UTF_8));
          message.reset();
        }
      }
      // Pings (9) go unanswered: this client is only ever briefly alive.
    }
    return texts;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
