package io.candles.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback TCP port helpers: every service started here listens on 127.0.0.1 only. */
public final class Ports {

  public static final String HOST = "127.0.0.1";

  private Ports() {}

  /** A port that is free right now (the OS picks it); another process may still take it before we bind it. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not find a free port on " + HOST, e);
    }
  }

  /** Whether a server can bind the port now (SO_REUSEADDR, as the servers use, so TIME_WAIT does not count). */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Fails with one line naming the component if the port is taken, before a server fails on it less clearly. */
  public static void requireFree(int port, String what, String hint) {
    if (!isFree(port)) {
      throw new IllegalStateException(what + " port " + HOST + ":" + port + " is already in use; " + hint);
    }
  }

  /** Whether something accepts TCP connections on the port. */
  public static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
