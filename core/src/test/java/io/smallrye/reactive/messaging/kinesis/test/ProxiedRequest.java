package io.smallrye.reactive.messaging.kinesis.test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 request as read by the {@link FaultProxy}: its bytes as received (to pass on unchanged) and the headers
 * a fault is chosen by. Bodies are delimited by {@code Content-Length} or chunked transfer encoding.
 */
record ProxiedRequest(byte[] raw, String amzTarget, String contentType) {

    private static final int MAX_HEAD = 64 * 1024;

    /** The next request of the connection, or {@code null} if the client closed it between requests. */
    static ProxiedRequest read(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String head = readHead(in, raw);
        if (head == null) {
            return null;
        }
        String target = null;
        String contentType = null;
        long contentLength = 0;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "x-amz-target" -> target = value;
                case "content-type" -> contentType = value;
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                default -> {
                }
            }
        }
        if (chunked) {
            copyChunked(in, raw);
        } else {
            copy(in, raw, contentLength);
        }
        return new ProxiedRequest(raw.toByteArray(), target, contentType);
    }

    /** Reads up to and including the empty line; {@code null} on end of stream before the first byte. */
    private static String readHead(InputStream in, ByteArrayOutputStream raw) throws IOException {
        int matched = 0;
        int size = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (size == 0) {
                    return null;
                }
                throw new EOFException("connection closed within a request head");
            }
            raw.write(b);
            size++;
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : (b == '\r' ? 1 : 0);
            if (size > MAX_HEAD) {
                throw new IOException("request head longer than " + MAX_HEAD + " bytes");
            }
        }
        return raw.toString(StandardCharsets.ISO_8859_1);
    }

    private static void copyChunked(InputStream in, ByteArrayOutputStream raw) throws IOException {
        while (true) {
            String sizeLine = readLine(in, raw);
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                // trailers, up to the empty line
                while (!readLine(in, raw).isEmpty()) {
                    // passed on as they are
                }
                return;
            }
            copy(in, raw, size);
            readLine(in, raw); // the CRLF after the chunk
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed within a chunked body");
            }
            raw.write(b);
            if (b == '\n') {
                int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                return line.substring(0, end);
            }
            line.append((char) b);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream raw, long length) throws IOException {
        byte[] buffer = new byte[8192];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("connection closed within a request body");
            }
            raw.write(buffer, 0, read);
            left -= read;
        }
    }
}
