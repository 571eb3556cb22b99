package io.mailpipe.pipeline;

import java.util.ArrayList;
import java.util.List;

import io.mailpipe.compose.ComposedMessage;
import io.mailpipe.outcome.OutcomeEvent;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.outcome.Status;

/**
 * The messages of one attempt when a request is split by {@link io.mailpipe.compose.RecipientSplitter} (more
 * recipients than the account's {@code maxRecipients}), and what became of each. A request that is not split has one
 * part, and its result is exactly that part's result. With several parts the request's result is combined:
 * <ul>
 *   <li>a part DEFERRED (4xx, connection, ...): PARTIALLY_DEFERRED when some recipient accepted, else that part's
 *       reason; the next attempt goes only to the recipients not reached yet;</li>
 *   <li>otherwise, some recipient accepted: ACCEPTED, or PARTIALLY_ACCEPTED when some were refused;</li>
 *   <li>otherwise: the first part's FAILED reason.</li>
 * </ul>
 * After a failure that concerns the account (authentication, TLS, connection), the remaining parts are not tried in
 * this attempt; they are DEFERRED with the same reason.
 */
final class MessageParts {

    /** One part: the composed message and its recipients in this attempt. */
    record Part(int number, ComposedMessage message, List<String> envelope) {
    }

    private final List<Part> parts;
    private final List<Result> results = new ArrayList<>();
    private int current = -1;
    private boolean stopped;

    MessageParts(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    boolean split() {
        return parts.size() > 1 || (parts.size() == 1 && parts.get(0).number() > 0);
    }

    List<Part> all() {
        return parts;
    }

    /** True once a part of this attempt has a result (a part may have gone out). */
    boolean started() {
        return !results.isEmpty();
    }

    /** Moves to the next part to send; false when every part was sent or sending stopped. */
    boolean next() {
        if (stopped || current + 1 >= parts.size()) {
            return false;
        }
        current++;
        return true;
    }

    Part current() {
        return parts.get(current);
    }

    /** Records the current part's result; {@code stop} after a failure of the account's connection or login. */
    void record(Result result, boolean stop) {
        while (results.size() < current) {
            results.add(null);
        }
        results.add(result);
        stopped = stop;
    }

    /** The request's result from its parts' results; {@code accepted}: some recipient accepted (now or before). */
    Result combined(boolean accepted, boolean someRefused) {
        if (!split()) {
            return results.get(0);
        }
        Result firstDeferred = null;
        Result firstFailed = null;
        Result lastSent = null;
        List<OutcomeEvent.RejectedRecipient> rejected = new ArrayList<>();
        for (Result r : results) {
            if (r == null) {
                continue;
            }
            Status status = r.reasonCode().status();
            if (status == Status.DEFERRED && firstDeferred == null) {
                firstDeferred = r;
            } else if (status == Status.FAILED && firstFailed == null) {
                firstFailed = r;
            } else if (status == Status.SENT) {
                lastSent = r;
            }
            if (r.rejected() != null) {
                r.rejected().stream().filter(x -> rejected.stream().noneMatch(y -> y.address().equalsIgnoreCase(x.address())))
                        .forEach(rejected::add);
            }
        }
        boolean unsent = results.size() < parts.size();
        if (firstDeferred == null && unsent) {
            firstDeferred = untried();
        }
        String summary = summary();
        if (firstDeferred != null) {
            ReasonCode code = accepted ? ReasonCode.PARTIALLY_DEFERRED : firstDeferred.reasonCode();
            return new Result(code, summary + "; " + firstDeferred.reason(), firstDeferred.smtp(), orNull(rejected), null,
                    true, null);
        }
        if (accepted) {
            ReasonCode code = someRefused || !rejected.isEmpty() ? ReasonCode.PARTIALLY_ACCEPTED : ReasonCode.ACCEPTED;
            Result basis = lastSent != null ? lastSent : firstFailed;
            return new Result(code, summary + "; " + basis.reason(), basis.smtp(), orNull(rejected), null, true, null);
        }
        Result basis = firstFailed != null ? firstFailed : results.get(0);
        return new Result(basis.reasonCode(), summary + "; " + basis.reason(), basis.smtp(), orNull(rejected), null, true,
                basis.errorClass());
    }

    /** The parts for the outcome event: those tried in this attempt, and those left for the next one. */
    List<OutcomeEvent.Part> forOutcome() {
        if (!split()) {
            return null;
        }
        List<OutcomeEvent.Part> out = new ArrayList<>();
        Result untried = untried();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            Result r = i < results.size() ? results.get(i) : untried;
            if (r == null) {
                continue;
            }
            out.add(new OutcomeEvent.Part(p.number(), p.message().messageId(), p.envelope(), r.reasonCode().status(),
                    r.reasonCode().code(), i < results.size() ? r.smtp() : null));
        }
        return out;
    }

    /**
     * What a part not tried in this attempt comes to: DEFERRED with the reason of the failure that stopped sending
     * (the account's connection or login), or TEMPORARY_FAILURE when sending ended otherwise (an unexpected error).
     */
    private Result untried() {
        Result last = results.isEmpty() ? null : results.get(results.size() - 1);
        if (last != null && last.reasonCode().status() == Status.DEFERRED) {
            return last;
        }
        return new Result(ReasonCode.TEMPORARY_FAILURE, "not every message was sent in this attempt", null, null, null,
                true, null);
    }

    private String summary() {
        int sent = 0;
        for (Result r : results) {
            if (r != null && r.reasonCode().status() == Status.SENT) {
                sent++;
            }
        }
        return "split into " + parts.size() + " messages, " + sent + " accepted";
    }

    private static <T> List<T> orNull(List<T> list) {
        return list.isEmpty() ? null : list;
    }
}
