package dev.portcullis.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A request whose body is declared before it is sent, as an attacker's is: the headers go first, and an answer that comes before
 * any of the body (a server that refuses by the headers) is read at once; then the body is sent anyway, whatever the server does.
 */
public final class DeclaredBody {

    private DeclaredBody() {
    }

    /** What the server answered: its status, content type and body (empty when it named no length). */
    public record Answer(int status, String contentType, String body) {
    }

    /** POSTs a body of {@code length} bytes (or a chunked one, {@code length} < 0) to {@code url}; the status the server answered. */
    public static int post(String url, Map<String, String> headers, long length) throws IOException {
        return answer(url, headers, length).status();
    }

    /**
     * The same, with the whole answer. An answer that comes before the body is read whole before the body is sent: a server
     * that closes after refusing resets the connection when the body arrives, and a reset discards what was not read yet.
     */
    public static Answer answer(String url, Map<String, String> headers, long length) throws IOException {
        URI uri = URI.create(url);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append(length < 0 ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + length + "\r\n").append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            // a server that refuses by the headers answers at once; one that takes the body waits for it
            socket.setSoTimeout(2_000);
            String status = null;
            Answer early = null;
            try {
                status = in.readLine();
                early = rest(status, in);
            } catch (java.net.SocketTimeoutException waitingForTheBody) {
                // it reads the body
            }
            byte[] chunk = new byte[64 * 1024];
            try {
                for (long sent = 0; length > 0 && sent < length; sent += chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, length - sent));
                }
                if (length < 0) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException closed) {
                // the server closed the connection instead of reading the rest: as it should
            }
            if (early != null) {
                return early;
            }
            socket.setSoTimeout(30_000);
            return rest(in.readLine(), in);
        }
    }

    /** The answer whose status line is {@code status}: its headers and its body of Content-Length characters (ASCII answers). */
    private static Answer rest(String status, BufferedReader in) throws IOException {
        if (status == null) {
            throw new IOException("the connection closed without an answer");
        }
        String contentType = "";
        int contentLength = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring("content-type:".length()).trim();
            } else if (lower.startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        char[] body = new char[contentLength];
        int read = 0;
        while (read < contentLength) {
            int n = in.read(body, read, contentLength - read);
            if (n < 0) {
                break;
            }
            read += n;
        }
        return new Answer(Integer.parseInt(status.split(" ")[1]), contentType, new String(body, 0, read));
    }
}
