package dev.portcullis.testsupport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * An open-loop HTTP/1.1 load generator light enough to share a 2-core machine with the server it measures: a request is due
 * every {@code 1/rate} s whether or not earlier ones have answered, and its latency counts from when it was due, so a stall
 * is not hidden (no coordinated omission). A few keep-alive connections, each a thread writing a request and reading its
 * answer on a plain socket: no client library's own threads, pools or parsing to compete with the server for the cores.
 * Only what a benchmark needs: a POST with a JSON body, answered with {@code Content-Length} or chunked.
 */
public final class OpenLoopLoad {

    /** What a run achieved: latencies in nanoseconds, sorted; errors are answers other than 200 and broken connections. */
    public record Result(int requests, double achievedPerSecond, long[] latencies, long errors) {

        public double percentileMillis(double p) {
            return latencies[Math.min(latencies.length - 1, (int) (latencies.length * p))] / 1e6;
        }

        public String summary(String name, int offered) {
            return String.format(Locale.ROOT, "%s: %d at %d/s offered (%.0f/s achieved), p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, %d errors",
                    name, requests, offered, achievedPerSecond, percentileMillis(0.5), percentileMillis(0.99), percentileMillis(0.999),
                    latencies[latencies.length - 1] / 1e6, errors);
        }
    }

    private OpenLoopLoad() {
    }

    /** POSTs {@code body.apply(i)} to {@code uri} at {@code rate} per second for {@code seconds}, over {@code connections} connections. */
    public static Result post(URI uri, String bearerToken, IntFunction<String> body, int rate, int seconds, int connections) throws InterruptedException {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 10_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread thread = new Thread(() -> {
                Connection connection = null;
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long due = start + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    byte[] request = request(uri, bearerToken, body.apply(i));
                    try {
                        if (connection == null) {
                            connection = new Connection(uri);
                        }
                        if (connection.exchange(request) != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        connection = Connection.close(connection);
                    }
                    latencies[i] = System.nanoTime() - due;
                }
                Connection.close(connection);
            }, "open-loop-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        Arrays.sort(latencies);
        return new Result(total, achieved, latencies, errors.get());
    }

    private static byte[] request(URI uri, String bearerToken, String json) {
        byte[] content = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\nAuthorization: Bearer "
                + bearerToken + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + content.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + content.length);
        System.arraycopy(content, 0, request, headBytes.length, content.length);
        return request;
    }

    /** One keep-alive connection: writes a request, reads the whole answer, returns its status. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(URI uri) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0; size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                line();
            } else if (length > 0) {
                skip(length);
            }
            if (close) {
                throw new IOException("the server closed the connection");
            }
            return code;
        }

        private void skip(long n) throws IOException {
            for (long left = n; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("the answer ended early");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection ended");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        static Connection close(Connection connection) {
            if (connection != null) {
                try {
                    connection.socket.close();
                } catch (IOException e) {
                    // closing a broken connection: nothing to do
                }
            }
            return null;
        }
    }
}
