package io.mailpipe.logging;

import org.slf4j.MDC;

/**
 * The fields that every log line about one request carries (SLF4J MDC; the JSON log layout writes them as
 * {@code "requestId"} and {@code "account"}). Set while a record is processed, cleared when it is done. Never put a
 * recipient, a subject or a body here.
 */
public final class LogContext {
    /** MDC key of the request id. */
    public static final String REQUEST_ID = "requestId";
    /** MDC key of the account name. */
    public static final String ACCOUNT = "account";

    private LogContext() {
    }

    /** Sets the request id and account of the current thread's log lines (null removes a field). */
    public static void set(String requestId, String account) {
        put(REQUEST_ID, requestId);
        put(ACCOUNT, account);
    }

    /** Removes both fields. */
    public static void clear() {
        MDC.remove(REQUEST_ID);
        MDC.remove(ACCOUNT);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
