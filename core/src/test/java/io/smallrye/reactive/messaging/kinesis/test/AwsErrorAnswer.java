package io.smallrye.reactive.messaging.kinesis.test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An error answer of an AWS JSON-protocol service as the SDK reads it: the error code in the {@code x-amzn-ErrorType}
 * header (read first by the SDK's error code parser) and in the body's {@code __type}, the message in its
 * {@code message}. The body is CBOR when the request was (the Kinesis client sends {@code application/x-amz-cbor-1.1}
 * and parses error bodies with its CBOR parser), JSON otherwise (DynamoDB, or Kinesis with CBOR disabled).
 */
final class AwsErrorAnswer {

    private AwsErrorAnswer() {
    }

    static byte[] of(Fault.Kind kind, String requestContentType) {
        return switch (kind) {
            case HTTP_500 -> build(500, "Internal Server Error", "InternalFailure",
                    "Internal service failure (injected by FaultProxy)", requestContentType);
            case HTTP_503 -> build(503, "Service Unavailable", "ServiceUnavailable",
                    "Service unavailable (injected by FaultProxy)", requestContentType);
            case THROTTLE -> build(400, "Bad Request", "ProvisionedThroughputExceededException",
                    "Rate exceeded (injected by FaultProxy)", requestContentType);
            default -> throw new IllegalArgumentException(kind + " is not an answer");
        };
    }

    private static byte[] build(int status, String reason, String code, String message, String requestContentType) {
        boolean cbor = requestContentType != null && requestContentType.contains("cbor");
        byte[] body = cbor ? cborMap(code, message) : json(code, message);
        String contentType = cbor ? "application/x-amz-cbor-1.1"
                : requestContentType != null ? requestContentType : "application/x-amz-json-1.1";
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "x-amzn-RequestId: " + UUID.randomUUID() + "\r\n"
                + "x-amzn-ErrorType: " + code + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: keep-alive\r\n\r\n";
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        answer.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        answer.writeBytes(body);
        return answer.toByteArray();
    }

    private static byte[] json(String code, String message) {
        return ("{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"__type": code, "message": message}} in CBOR (RFC 8949): a map of two text strings. */
    private static byte[] cborMap(String code, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xA2);
        cborText(out, "__type");
        cborText(out, code);
        cborText(out, "message");
        cborText(out, message);
        return out.toByteArray();
    }

    private static void cborText(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 24) {
            out.write(0x60 | bytes.length);
        } else if (bytes.length < 256) {
            out.write(0x78);
            out.write(bytes.length);
        } else {
            out.write(0x79);
            out.write(bytes.length >> 8);
            out.write(bytes.length & 0xFF);
        }
        out.writeBytes(bytes);
    }
}
