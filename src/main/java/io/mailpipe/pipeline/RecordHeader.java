package io.mailpipe.pipeline;

/**
 * One header of a request record, as it arrived (the pipeline's own type: Kafka's stay at the edge, in the worker).
 *
 * @param key   the header name
 * @param value the header value, bytes as they arrived (may be null)
 */
public record RecordHeader(String key, byte[] value) {
}
