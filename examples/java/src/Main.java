// A JDK HttpServer service with a graceful shutdown of its own, as the Java services of the seed
// stories have (shared/seeds: Spring Boot, light-4j): on SIGTERM the JVM runs the shutdown hook, which
// keeps serving for DRAIN_MS (every response says `Connection: close`, so keep-alive clients move on),
// then stops the listener and waits for the exchanges in flight. No dependency beyond the JDK.
//
//   PORT      port on 127.0.0.1 (default 8080; 0 picks a free one)
//   DRAIN_MS  how long to keep serving after SIGTERM (default 1500)
//
// It prints `listening on <port>`, `draining`, `drained` on stdout.
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

public final class Main {
  private static volatile boolean draining = false;

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static int env(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : Integer.parseInt(value);
  }

  public static void main(String[] args) throws IOException {
    int port = env("PORT", 8080);
    long drainMs = env("DRAIN_MS", 1500);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
    ExecutorService workers = Executors.newFixedThreadPool(8);
    server.setExecutor(workers);
    server.createContext("/", exchange -> {
      byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
      if (draining) exchange.getResponseHeaders().set("Connection", "close");
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      draining = true;
      say("draining");
      try {
        Thread.sleep(drainMs);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      server.stop(5); // closes the listener, waits up to 5 s for the exchanges in flight
      workers.shutdown();
      say("drained");
    }));
    server.start();
    say("listening on " + server.getAddress().getPort());
  }
}
