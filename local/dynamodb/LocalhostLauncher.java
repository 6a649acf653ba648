import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.BindException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * Runs DynamoDB Local (1.25.x) on one host address instead of all interfaces.
 *
 * Same handler tree as the stock entry point (ServerRunner.createServer +
 * DynamoDBProxyServer.setUpHandler): LocalDynamoDBRequestHandler inside
 * LocalDynamoDBServerHandler inside a ContextHandler inside a ContextHandlerCollection,
 * but on a Jetty ServerConnector bound to the given host. Always sharedDb (one database
 * whatever the region and credentials), no CORS list, no transient-status delays, and no
 * telemetry (that is only sent from DynamoDBProxyServer.start and ServerRunner, which are
 * not used here).
 *
 * Usage: LocalhostLauncher <host> <port> [<dbPath>]   (no dbPath: in memory; port 0: any free port)
 * Prints "LISTENING <host> <port>" on stdout once bound; exits 3 if the port is in use.
 * With -Dlauncher.exitOnStdinEof=true it exits when stdin closes (its parent died).
 */
public final class LocalhostLauncher {
  // Strong reference, or the JUL logger (and its level) can be garbage collected.
  private static final Logger SQLITE_LOG = Logger.getLogger("com.almworks.sqlite4java");

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: LocalhostLauncher <host> <port> [<dbPath>]");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String dbPath = args.length == 3 ? args[2] : null;

    // What ServerRunner's static initializer does.
    System.setProperty("org.eclipse.jetty.util.log.announce", "false");
    System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
    SQLITE_LOG.setLevel(Level.WARNING);

    LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(
        new LocalDynamoDBRequestHandler(0, dbPath == null, dbPath, true, false), null);
    ContextHandler context = new ContextHandler();
    context.setHandler(handler);
    ContextHandlerCollection handlers = new ContextHandlerCollection();
    handlers.addHandler(context);

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handlers);

    try {
      server.start();
    } catch (Exception e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) {
          System.err.println("port " + port + " on " + host + " is in use");
          System.exit(3);
        }
      }
      throw e;
    }

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop();
      } catch (Exception ignored) {
        // exiting anyway
      }
      handler.close(); // closes the SQLite databases
    }, "dynamodb-local-shutdown"));

    if (Boolean.getBoolean("launcher.exitOnStdinEof")) {
      Thread watchdog = new Thread(() -> {
        try {
          while (System.in.read() != -1) {
            // discard
          }
        } catch (Exception ignored) {
          // treat like EOF
        }
        System.exit(0);
      }, "parent-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    }

    System.out.println("LISTENING " + host + " " + connector.getLocalPort());
    System.out.flush();
    server.join();
  }
}
