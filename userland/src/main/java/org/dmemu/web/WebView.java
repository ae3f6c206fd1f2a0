package org.dmemu.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.dmemu.kern.Kernel;

/**
 * The learner's live view of an emulated kernel, served over HTTP by the JDK's server: the disk
 * map, the dm devices and their tables, and the trace as a sequence diagram, updated live as
 * requests arrive ({@code serve --http}, {@code replay --http}).
 *
 * <p>Access: a random token, printed in the start-up URL, must come with every request — as the
 * {@code token} query parameter or as the cookie the first page sets — else 403, so another local
 * user cannot read the kernel's state. The server listens on loopback unless told otherwise.
 *
 * <p>Routes: {@code /} the page and its {@code /static/} files; {@code /api/state} the kernel's
 * state ({@link StateView}); {@code /api/trace?after=N} the kept trace steps as JSON;
 * {@code /api/events?after=N} the same as a server-sent event stream, live; {@code /api/lesson}
 * and {@code POST /api/step} the step-through of a replay file, when one is loaded.
 *
 * <p>Differences from NetBSD: none (dmemu's own teaching aid; NetBSD has no such page).
 */
public final class WebView implements AutoCloseable {
    /** At most this many live event streams at once; a further one is answered 503. */
    static final int MAX_STREAMS = 8;
    private static final String COOKIE = "dmemu_token";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    private final HttpServer server;
    private final ExecutorService pool;
    private final String token;
    private final TraceTap tap;
    private final StateView state;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private volatile Lesson lesson;
    private volatile boolean closing;

    private WebView(HttpServer server, ExecutorService pool, String token, TraceTap tap, Kernel kernel) {
        this.server = server;
        this.pool = pool;
        this.token = token;
        this.tap = tap;
        this.state = new StateView(kernel);
    }

    /**
     * Starts the view of {@code kernel}, whose trace listener must be {@code tap}.
     *
     * @param bind the address to listen on (loopback unless the user asked otherwise)
     * @param port the port, 0 for a free one
     */
    public static WebView start(Kernel kernel, TraceTap tap, InetAddress bind, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        ExecutorService pool = Executors.newFixedThreadPool(MAX_STREAMS + 4, r -> {
            Thread t = new Thread(r, "dmemu-http");
            t.setDaemon(true);
            return t;
        });
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        WebView v = new WebView(server, pool, token, tap, kernel);
        server.createContext("/", v::handle);
        server.setExecutor(pool);
        server.start();
        return v;
    }

    /** Loads a replay file for the step-through (its items run on this view's kernel). */
    public void loadLesson(String name, byte[] file, Kernel kernel) {
        this.lesson = new Lesson(name, file, kernel);
    }

    /** The URL to open, token included. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + a.getPort() + "/?token=" + token;
    }

    /** The port the view listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            ex.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:");
            if (!authorised(ex)) {
                send(ex, 403, "text/plain; charset=utf-8", "403 forbidden: open the URL with its token\n");
                return;
            }
            URI uri = ex.getRequestURI();
            String path = uri.getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/")) {
                if (query(uri, "token") != null) {
                    ex.getResponseHeaders().add("Set-Cookie",
                            COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
                }
                resource(ex, "index.html");
            } else if (path.startsWith("/static/") && path.indexOf("..") < 0) {
                resource(ex, path.substring("/static/".length()));
            } else if (path.equals("/api/state")) {
                send(ex, 200, "application/json", tap.quietly(state::json));
            } else if (path.equals("/api/trace")) {
                send(ex, 200, "application/json", events(tap.since(after(uri))));
            } else if (path.equals("/api/events")) {
                stream(ex, after(uri));
            } else if (path.equals("/api/lesson")) {
                send(ex, 200, "application/json", lessonJson(lesson));
            } else if (path.equals("/api/step") && method.equals("POST")) {
                step(ex);
            } else {
                send(ex, 404, "text/plain; charset=utf-8", "404 not found\n");
            }
        } catch (IOException e) {
            // the browser went away mid-reply: nothing to tell anyone
        } catch (RuntimeException e) {
            System.err.println("dmemu serve: http: internal error on " + ex.getRequestURI().getPath() + ": " + e);
        }
    }

    private boolean authorised(HttpExchange ex) {
        String given = query(ex.getRequestURI(), "token");
        if (given == null) {
            for (String h : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
                for (String c : h.split(";")) {
                    String t = c.strip();
                    if (t.startsWith(COOKIE + "=")) {
                        given = t.substring(COOKIE.length() + 1);
                    }
                }
            }
        }
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    private static String query(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) {
            return null;
        }
        for (String kv : q.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(name)) {
                return kv.substring(eq + 1);
            }
        }
        return null;
    }

    private static long after(URI uri) {
        String a = query(uri, "after");
        try {
            return a == null ? 0 : Long.parseLong(a);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void resource(HttpExchange ex, String name) throws IOException {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        try (InputStream in = WebView.class.getResourceAsStream("/web/" + name)) {
            if (in == null || type == null) {
                send(ex, 404, "text/plain; charset=utf-8", "404 not found\n");
                return;
            }
            byte[] body = in.readAllBytes();
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static String events(List<TraceStep> list) {
        Json j = new Json().beginArray();
        for (TraceStep e : list) {
            e.toJson(j);
        }
        return j.endArray().toString();
    }

    /** Server-sent events: every new trace step as one {@code data:} line, a comment as keep-alive. */
    private void stream(HttpExchange ex, long after) throws IOException {
        if (!streams.tryAcquire()) {
            send(ex, 503, "text/plain; charset=utf-8", "503 too many live views of this kernel\n");
            return;
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            long last = after;
            while (!closing) {
                List<TraceStep> batch = tap.await(last, 15_000);
                StringBuilder sb = new StringBuilder();
                if (batch.isEmpty()) {
                    sb.append(": keep-alive\n\n");
                }
                for (TraceStep e : batch) {
                    Json j = new Json();
                    e.toJson(j);
                    sb.append("id: ").append(e.seq()).append("\ndata: ").append(j).append("\n\n");
                    last = e.seq();
                }
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.release();
        }
    }

    private static String lessonJson(Lesson l) {
        Json j = new Json().beginObject();
        if (l == null) {
            return j.field("loaded", false).endObject().toString();
        }
        j.field("loaded", true).field("name", l.name()).field("done", l.done());
        j.key("steps").beginArray();
        for (Lesson.Step s : l.steps()) {
            j.beginObject().field("number", s.number()).field("explanation", s.explanation())
                    .field("source", s.source()).field("output", s.output()).endObject();
        }
        return j.endArray().endObject().toString();
    }

    private void step(HttpExchange ex) throws IOException {
        Lesson l = lesson;
        if (l == null) {
            send(ex, 409, "text/plain; charset=utf-8", "no replay file is loaded\n");
            return;
        }
        String out = l.step();
        Json j = new Json().beginObject().field("finished", out == null).field("done", l.done());
        j.field("output", out);
        send(ex, 200, "application/json", j.endObject().toString());
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        closing = true;
        synchronized (tap) {
            tap.notifyAll();
        }
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
